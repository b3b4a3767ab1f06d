/** MicroProfile Health checks, each saying why it is down: what Kubernetes' probes look at. */
package com.gputelemetry.health;
