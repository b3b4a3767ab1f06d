/**
 * The API's contract as other people's tools read it: the OpenAPI document is generated from the annotations of the
 * JAX-RS resources, and a filter makes it correct where the generator is not (attributes it writes at their
 * defaults, examples as strings) and adds what annotations cannot say once for all operations: the servers, the
 * security schemes and which operation needs which token (from the same rules the access filter enforces), and the
 * error responses every operation can give.
 */
package com.gputelemetry.openapi;
