package com.gputelemetry.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.access.entity.Role;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code openapi.json} as other people's tools read it: swagger-parser (the parser under
 * openapi-generator and many gateways) must read it without a single message, and the rules that generated clients
 * and linters rely on hold.
 */
class OpenApiContractTest {

    /** The committed document (the system test {@code GeneratedClientSystemIT} checks that the server generates it). */
    static final Path COMMITTED = Path.of("openapi.json");

    private static SwaggerParseResult parsed;
    private static OpenAPI api;

    @BeforeAll
    static void parse() throws Exception {
        var options = new ParseOptions();
        options.setResolve(true);
        options.setValidateExternalRefs(true);
        parsed = new OpenAPIParser().readContents(Files.readString(OpenApiContractTest.COMMITTED), null, options);
        api = parsed.getOpenAPI();
    }

    @Test
    void swaggerParserReadsItWithoutAnyMessage() {
        assertThat(parsed.getMessages()).isEmpty();
        assertThat(api).isNotNull();
    }

    private static Map<String, Operation> operations() {
        Map<String, Operation> operations = new java.util.TreeMap<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, operation) -> operations.put(method + " " + path, operation)));
        return operations;
    }

    @Test
    void everyOperationHasItsOwnIdAnErrorAnswerAndItsSecurity() {
        Set<String> ids = new HashSet<>();
        operations().forEach((name, operation) -> {
            assertThat(operation.getOperationId()).as(name).isNotBlank();
            assertThat(ids.add(operation.getOperationId()))
                    .as("%s: operationId %s repeated", name, operation.getOperationId())
                    .isTrue();
            assertThat(operation.getResponses().keySet())
                    .as(name)
                    .anyMatch(status -> status.startsWith("4"))
                    .contains("500");
            assertThat(operation.getSecurity()).as(name).isNotEmpty();
            if (operation.getParameters() != null) {
                operation.getParameters().stream()
                        .map(OpenApiContractTest::resolved)
                        .filter(parameter -> "path".equals(parameter.getIn()))
                        .forEach(parameter -> assertThat(parameter.getRequired())
                                .as(name + " " + parameter.getName())
                                .isTrue());
            }
        });
        assertThat(api.getComponents().getSecuritySchemes()).containsKeys("ingestToken", "adminToken", "readToken");
        assertThat(api.getServers()).extracting(server -> server.getUrl()).containsExactly("/");
    }

    /** Every error answer is an RFC 9457 problem, also where an operation only describes it. */
    @Test
    void everyErrorAnswerIsAProblem() {
        operations().forEach((name, operation) -> operation.getResponses().forEach((status, response) -> {
            if (status.matches("[45]\\d\\d")) {
                ApiResponse answer = resolved(response);
                assertThat(answer.getContent())
                        .as("%s %s: a body", name, status)
                        .isNotNull()
                        .containsOnlyKeys("application/problem+json");
                assertThat(answer.getContent()
                                .get("application/problem+json")
                                .getSchema()
                                .get$ref())
                        .as("%s %s: a problem", name, status)
                        .isEqualTo("#/components/schemas/Problem");
            }
        }));
    }

    /** The answer itself, also where the operation references a shared one. */
    private static ApiResponse resolved(ApiResponse response) {
        String ref = response.get$ref();
        return ref == null ? response : api.getComponents().getResponses().get(ref.substring(ref.lastIndexOf('/') + 1));
    }

    /** The parameter itself, also where the operation references a shared one. */
    private static Parameter resolved(Parameter parameter) {
        String ref = parameter.get$ref();
        return ref == null
                ? parameter
                : api.getComponents().getParameters().get(ref.substring(ref.lastIndexOf('/') + 1));
    }

    /**
     * Every operation declares exactly the tokens the access filter asks of a request to it ({@link Role#requiredFor},
     * given the path with sample values, as a request has it): a read or an admin token, or none while the server has
     * no READ_TOKEN, for reads; only the ingest or only the admin token otherwise.
     */
    @Test
    void theSecurityDeclaredIsTheSecurityEnforced() {
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            Role role = Role.requiredFor(method.name(), path.replaceAll("\\{[^/}]+}", "sample-value"));
            List<Set<String>> enforced =
                    switch (role) {
                        case INGEST -> List.of(Set.of("ingestToken"));
                        case ADMIN -> List.of(Set.of("adminToken"));
                        case READ -> List.of(Set.of("readToken"), Set.of("adminToken"), Set.of());
                    };
            assertThat(operation.getSecurity())
                    .as("%s %s needs the %s role", method, path, role)
                    .isNotNull()
                    .extracting(requirement -> (Set<String>) new HashSet<>(requirement.keySet()))
                    .containsExactlyInAnyOrderElementsOf(enforced);
        }));
    }

    @Test
    void everyJsonBodyIsANamedSchemaAndEveryNamedSchemaIsUsed() throws Exception {
        operations().forEach((name, operation) -> operation.getResponses().forEach((status, response) -> {
            if (response.getContent() != null) {
                response.getContent().forEach((type, media) -> {
                    if (type.equals("application/json") || type.equals("application/problem+json")) {
                        assertThat(media.getSchema().get$ref())
                                .as("%s %s %s: a named schema", name, status, type)
                                .isNotNull();
                    }
                });
            }
        }));
        String document = Files.readString(OpenApiContractTest.COMMITTED);
        assertThat(api.getComponents().getSchemas().keySet()).allSatisfy(schema -> assertThat(document)
                .as("a reference to " + schema)
                .contains("\"#/components/schemas/" + schema + "\""));
    }

    /** A shared parameter or answer that no operation references any more is one to remove, or one forgotten. */
    @Test
    void everySharedParameterAndAnswerIsUsed() throws Exception {
        String document = Files.readString(OpenApiContractTest.COMMITTED);
        assertThat(api.getComponents().getParameters().keySet()).allSatisfy(parameter -> assertThat(document)
                .as("a reference to " + parameter)
                .contains("\"#/components/parameters/" + parameter + "\""));
        assertThat(api.getComponents().getResponses().keySet()).allSatisfy(response -> assertThat(document)
                .as("a reference to " + response)
                .contains("\"#/components/responses/" + response + "\""));
    }

    @Test
    void noSchemaHasABoundFlagWithoutItsBound() {
        List<String> wrong = new ArrayList<>();
        api.getComponents().getSchemas().forEach((name, schema) -> check(name, schema, wrong));
        api.getComponents().getParameters().forEach((name, parameter) -> check(name, parameter.getSchema(), wrong));
        operations().forEach((name, operation) -> {
            if (operation.getParameters() != null) {
                operation
                        .getParameters()
                        .forEach(parameter -> check(name + " " + parameter.getName(), parameter.getSchema(), wrong));
            }
        });
        assertThat(wrong).isEmpty();
    }

    private static void check(String where, Schema<?> schema, List<String> wrong) {
        if (schema == null) {
            return;
        }
        if (schema.getExclusiveMaximum() != null && schema.getMaximum() == null) {
            wrong.add(where + ": exclusiveMaximum without maximum");
        }
        if (schema.getExclusiveMinimum() != null && schema.getMinimum() == null) {
            wrong.add(where + ": exclusiveMinimum without minimum");
        }
        if (Integer.valueOf(0).equals(schema.getMaxProperties())) {
            wrong.add(where + ": maxProperties 0");
        }
        if (schema.getProperties() != null) {
            schema.getProperties().forEach((property, child) -> check(where + "." + property, child, wrong));
        }
        check(where + "[]", schema.getItems(), wrong);
    }
}
