/**
 * The API's contract as other people's tools read it. The parts several operations share (bodies, parameters, error
 * answers) are written once as components ({@code ContractComponents}); the operations are generated from the JAX-RS
 * resources' annotations, which reference them by name. One filter then repairs the generator's output where it is
 * wrong ({@code GeneratorRepair}: attributes at their defaults, examples as strings) and applies what annotations
 * cannot say once for all operations ({@code ContractPolicy}: the servers, the security schemes and which operation
 * needs which token, from the same rules the access filter enforces, and the errors every operation can give).
 */
package com.gputelemetry.openapi;
