package com.gputelemetry.openapi.control;

import com.gputelemetry.access.entity.Role;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * What holds for every operation and no annotation can say once: where the API is, which token each operation needs
 * (from the rules the access filter enforces), and that every error is a problem, 401, 403 and 500 included.
 */
class ContractPolicy {

    void apply(OpenAPI openAPI) {
        // Relative: the server that serves the document, under whatever name a client reached it (the generator lists
        // the addresses it listens on, which a client behind a proxy or in another pod cannot use).
        openAPI.setServers(
                List.of(OASFactory.createServer().url("/").description("the server that serves this document")));
        Components components = openAPI.getComponents();
        components.addSecurityScheme(
                "ingestToken", bearer("One of the server's INGEST_TOKEN tokens; ingest is open when none is set"));
        components.addSecurityScheme(
                "adminToken",
                bearer("One of the server's ADMIN_TOKEN tokens; admin operations are closed when none is set"));
        components.addSecurityScheme(
                "readToken",
                bearer("One of the server's READ_TOKEN tokens (or an admin token); reads are open when none is set. "
                        + "The live streams also take it as the query parameter access_token, for browsers"));
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations()
                .forEach((method, operation) -> secure(path, method, operation)));
    }

    /** The security the access filter enforces for this operation, and the answers it gives without it. */
    private static void secure(String path, PathItem.HttpMethod method, Operation operation) {
        Role role = Role.requiredFor(method.name(), path);
        List<SecurityRequirement> security = new ArrayList<>();
        switch (role) {
            case INGEST -> security.add(requirement("ingestToken"));
            case ADMIN -> security.add(requirement("adminToken"));
            case READ -> {
                security.add(requirement("readToken"));
                security.add(requirement("adminToken"));
                security.add(OASFactory.createSecurityRequirement()); // no token while READ_TOKEN is unset
            }
        }
        operation.setSecurity(security);
        add(operation, "401", SharedResponses.UNAUTHORIZED);
        add(operation, "403", SharedResponses.FORBIDDEN);
        add(operation, "500", SharedResponses.INTERNAL_ERROR);
        // Every error is a problem, also where an annotation only describes it (the generator then writes no content,
        // or an empty one).
        operation.getResponses().getAPIResponses().forEach((status, response) -> {
            if (status.matches("[45]\\d\\d") && response.getRef() == null && hasNoBody(response)) {
                response.setContent(
                        SharedResponses.problem(response.getDescription()).getContent());
            }
        });
    }

    private static boolean hasNoBody(APIResponse response) {
        return response.getContent() == null
                || response.getContent().getMediaTypes() == null
                || response.getContent().getMediaTypes().isEmpty();
    }

    private static void add(Operation operation, String status, String reference) {
        if (operation.getResponses().getAPIResponse(status) == null) {
            operation
                    .getResponses()
                    .addAPIResponse(status, OASFactory.createAPIResponse().ref(reference));
        }
    }

    private static SecurityRequirement requirement(String scheme) {
        return OASFactory.createSecurityRequirement().addScheme(scheme);
    }

    private static SecurityScheme bearer(String description) {
        return OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.HTTP)
                .scheme("bearer")
                .description(description);
    }
}
