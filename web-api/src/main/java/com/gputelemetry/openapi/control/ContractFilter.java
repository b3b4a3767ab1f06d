package com.gputelemetry.openapi.control;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * The one filter a server takes (mp.openapi.filter): the generator's output repaired element by element, then, on the
 * whole document (MicroProfile OpenAPI calls {@code filterOpenAPI} last), the contract's policy applied.
 */
public class ContractFilter implements OASFilter {

    private final GeneratorRepair repair = new GeneratorRepair();
    private final ContractPolicy policy = new ContractPolicy();

    @Override
    public Schema filterSchema(Schema schema) {
        return repair.filterSchema(schema);
    }

    @Override
    public Parameter filterParameter(Parameter parameter) {
        return repair.filterParameter(parameter);
    }

    @Override
    public APIResponse filterAPIResponse(APIResponse response) {
        return repair.filterAPIResponse(response);
    }

    @Override
    public PathItem filterPathItem(PathItem item) {
        return repair.filterPathItem(item);
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        repair.filterOpenAPI(openAPI);
        policy.apply(openAPI);
    }
}
