/**
 * The database schema, owned by versioned SQL migrations run at start-up rather than by the JPA provider's DDL
 * generation, so that EclipseLink and Hibernate (Payara and WildFly) see the same tables on H2 and PostgreSQL.
 */
package com.gputelemetry.schema;
