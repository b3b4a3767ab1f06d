package com.gputelemetry.openapi.control;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASModelReader;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * The document's shared parts, each written once: the named bodies, and the parameters and error answers several
 * operations share. The generator adds the operations from the resources' annotations, which reference these by name.
 * Registered by mp.openapi.model.reader.
 */
public class ContractComponents implements OASModelReader {

    @Override
    public OpenAPI buildModel() {
        return OASFactory.createOpenAPI()
                .components(OASFactory.createComponents()
                        .schemas(ContractSchemas.all())
                        .parameters(SharedParameters.all())
                        .responses(SharedResponses.all()));
    }
}
