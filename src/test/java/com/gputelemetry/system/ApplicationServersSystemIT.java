package com.gputelemetry.system;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.MultipleFailuresError;

/**
 * Black box: the EAR on Payara Server (EclipseLink) and on WildFly (Hibernate), each deployed by its own deploy script
 * ({@code server-config/payara-server/deploy.sh}, {@code server-config/wildfly/deploy.sh}), each step run on both at
 * the same time: most of a step is waiting for a server or a deploy script, and the two servers wait side by side.
 * The steps are {@link ApplicationServerScenario}'s, in this order, each building on what the ones before left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApplicationServersSystemIT {

    /** Payara Server first, then WildFly. */
    private static final List<ApplicationServerScenario> SERVERS = new ArrayList<>();

    private static final ExecutorService BOTH = Executors.newFixedThreadPool(2);

    @BeforeAll
    static void deploy() throws Exception {
        List<Future<ApplicationServerScenario>> deployed = new ArrayList<>();
        deployed.add(BOTH.submit(() -> ApplicationServerScenario.deployTo(PayaraServer.unpack())));
        deployed.add(BOTH.submit(() -> ApplicationServerScenario.deployTo(WildFlyServer.unpack())));
        List<Throwable> failures = new ArrayList<>();
        for (Future<ApplicationServerScenario> scenario : deployed) {
            try {
                SERVERS.add(scenario.get());
            } catch (ExecutionException e) {
                failures.add(e.getCause());
            }
        }
        if (!failures.isEmpty()) {
            throw new MultipleFailuresError("deploying", failures);
        }
    }

    @AfterAll
    static void undeploy() throws Exception {
        try {
            for (ApplicationServerScenario scenario : SERVERS) {
                scenario.close();
            }
        } finally {
            BOTH.shutdownNow();
        }
    }

    @Test
    @Order(10)
    void readinessAndLivenessIncludeTheApplicationsOwnChecks() throws Exception {
        onBoth(ApplicationServerScenario::readinessAndLivenessIncludeTheApplicationsOwnChecks);
    }

    @Test
    @Order(20)
    void theOpenApiDocumentListsTheApi() throws Exception {
        onBoth(ApplicationServerScenario::theOpenApiDocumentListsTheApi);
    }

    @Test
    @Order(30)
    void theFirstRunsSettingsReachTheApplication() throws Exception {
        onBoth(ApplicationServerScenario::theFirstRunsSettingsReachTheApplication);
    }

    @Test
    @Order(40)
    void theSampleIsStoredOnceWithItsValuesPushedLiveAndShownOnTheDashboard() throws Exception {
        onBoth(ApplicationServerScenario::theSampleIsStoredOnceWithItsValuesPushedLiveAndShownOnTheDashboard);
    }

    /** After the sample, before any rebalance: Payara Server has MicroProfile Metrics (WildFly 39 has not). */
    @Test
    @Order(45)
    void onPayaraServerEveryDocumentedMetricHasTheValueTheQueueReports() throws Exception {
        SERVERS.get(0).everyDocumentedMetricHasTheValueTheQueueReports();
    }

    @Test
    @Order(50)
    void aSecondRunAddsAdminAndReadTokensAndTheAdminRebalancesTheCollectorsWhileStreaming() throws Exception {
        onBoth(
                ApplicationServerScenario
                        ::aSecondRunAddsAdminAndReadTokensAndTheAdminRebalancesTheCollectorsWhileStreaming);
    }

    @Test
    @Order(60)
    void aKilledServerRestartedByTheDeployScriptLosesNoAcknowledgedRowOverEitherTransport() throws Exception {
        onBoth(
                ApplicationServerScenario
                        ::aKilledServerRestartedByTheDeployScriptLosesNoAcknowledgedRowOverEitherTransport);
    }

    @Test
    @Order(70)
    void aThirdRunClearsSettingsAndEachFallsBackToItsDefault() throws Exception {
        onBoth(ApplicationServerScenario::aThirdRunClearsSettingsAndEachFallsBackToItsDefault);
    }

    /** A step of the scenario. */
    private interface Step {
        void on(ApplicationServerScenario scenario) throws Exception;
    }

    /** Runs the step on both servers at the same time; fails with each server's failure, named. */
    private static void onBoth(Step step) throws Exception {
        assertDeployed();
        List<Future<Void>> running = new ArrayList<>();
        for (ApplicationServerScenario scenario : SERVERS) {
            Callable<Void> onOne = () -> {
                step.on(scenario);
                return null;
            };
            running.add(BOTH.submit(onOne));
        }
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            try {
                running.get(i).get();
            } catch (ExecutionException e) {
                failures.add(new AssertionError("on " + SERVERS.get(i).name() + ": " + e.getCause(), e.getCause()));
            }
        }
        if (failures.size() == 1) {
            throw (AssertionError) failures.get(0);
        }
        if (!failures.isEmpty()) {
            throw new MultipleFailuresError("on both servers", failures);
        }
    }

    private static void assertDeployed() {
        if (SERVERS.size() != 2) {
            throw new AssertionError("both servers deployed, not " + SERVERS.size());
        }
    }
}
