package com.gputelemetry.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
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

    private static SwaggerParseResult parsed;
    private static OpenAPI api;

    @BeforeAll
    static void parse() throws Exception {
        var options = new ParseOptions();
        options.setResolve(true);
        options.setValidateExternalRefs(true);
        parsed = new OpenAPIParser().readContents(Files.readString(OpenApiDocumentIT.COMMITTED), null, options);
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
                        .filter(parameter -> "path".equals(parameter.getIn()))
                        .forEach(parameter -> assertThat(parameter.getRequired())
                                .as(name + " " + parameter.getName())
                                .isTrue());
            }
        });
        assertThat(api.getComponents().getSecuritySchemes()).containsKeys("ingestToken", "adminToken", "readToken");
        assertThat(api.getServers()).extracting(server -> server.getUrl()).containsExactly("/");
    }

    @Test
    void theSecurityDeclaredIsTheSecurityEnforced() {
        var operations = operations();
        assertThat(operations.get("POST /api/v1/ingest").getSecurity())
                .singleElement()
                .satisfies(requirement -> assertThat(requirement).containsOnlyKeys("ingestToken"));
        assertThat(operations.get("PUT /api/v1/queue/groups/{group}/workers").getSecurity())
                .singleElement()
                .satisfies(requirement -> assertThat(requirement).containsOnlyKeys("adminToken"));
        // Reads: a read or admin token, or none while the server has no READ_TOKEN.
        assertThat(operations.get("GET /api/v1/gpus").getSecurity()).hasSize(3).anyMatch(Map::isEmpty);
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
        String document = Files.readString(OpenApiDocumentIT.COMMITTED);
        assertThat(api.getComponents().getSchemas().keySet()).allSatisfy(schema -> assertThat(document)
                .as("a reference to " + schema)
                .contains("\"#/components/schemas/" + schema + "\""));
    }

    @Test
    void noSchemaHasABoundFlagWithoutItsBound() {
        List<String> wrong = new ArrayList<>();
        api.getComponents().getSchemas().forEach((name, schema) -> check(name, schema, wrong));
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
