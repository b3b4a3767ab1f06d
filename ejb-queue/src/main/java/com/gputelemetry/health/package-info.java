/**
 * MicroProfile Health checks, each saying why it is down: what Kubernetes' probes look at.
 *
 * <p>Design decisions:
 * <ul>
 * <li>The checks MicroProfile Health discovers ({@code boundary}) are packaged on their own, as the EJB module's client
 * jar, which the EAR puts into {@code lib/}: WildFly reports only checks that live there, not checks inside an EAR's
 * modules. Payara finds them there as well, and in the Payara Micro WAR the jar sits in {@code WEB-INF/lib}.</li>
 * <li>From {@code lib/}, the classes of the EJB module cannot be seen, and neither CDI nor {@code @EJB} reach its beans
 * on every server. So the EJB module registers its probes ({@code control}) with the checks at start-up, as plain
 * suppliers of a {@code HealthCheckResponse}; a check with no probe registered yet is down, saying so.</li>
 * </ul>
 */
package com.gputelemetry.health;
