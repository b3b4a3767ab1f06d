/**
 * The GPU API. Errors are problem+json naming the parameter; time windows are inclusive at both ends; pages are
 * keyset pages over (time, id), so a cursor stays valid while new points arrive.
 */
package com.gputelemetry.telemetry.boundary;
