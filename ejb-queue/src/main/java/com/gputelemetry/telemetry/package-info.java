/**
 * The telemetry store: GPUs and their time series, the rows that travel to them through the queue, and the catalog
 * that reads them. Everything that uses the persistence unit lives in the EJB module, next to it: in an EAR a
 * persistence unit is visible only inside its own module (Payara Server enforces that), so the web module reaches the
 * store through these EJBs.
 */
package com.gputelemetry.telemetry;
