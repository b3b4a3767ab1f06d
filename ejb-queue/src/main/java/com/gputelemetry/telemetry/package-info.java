/**
 * The telemetry store: GPUs and their time series. The entities live in the EJB module, next to the persistence
 * unit, so that both the queue and the web module's collectors and API use one persistence unit.
 */
package com.gputelemetry.telemetry;
