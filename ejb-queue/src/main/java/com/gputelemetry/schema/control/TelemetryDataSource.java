package com.gputelemetry.schema.control;

import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.enterprise.inject.Produces;
import javax.sql.DataSource;

/**
 * The application's datasource for the few places that need JDBC below JPA (migrations, the database probe): they
 * inject it. The one bean that declares the reference, so that the one WildFly mapping in jboss-ejb3.xml covers all.
 */
@Singleton
public class TelemetryDataSource {

    // A reference, not a global name: Payara resolves it by its name, WildFly through jboss-ejb3.xml.
    @Resource(name = "jdbc/telemetry")
    DataSource dataSource;

    @Produces
    public DataSource dataSource() {
        return dataSource;
    }
}
