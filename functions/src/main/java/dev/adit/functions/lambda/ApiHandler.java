package dev.adit.functions.lambda;

import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;

/**
 * The control API as an AWS Lambda handler for API Gateway HTTP API events (payload 2.0): the same
 * controllers as the local server, configured from the environment (ADIT_TABLE_NAME, ...).
 */
public class ApiHandler extends APIGatewayV2HTTPEventFunction {
    public ApiHandler() {
        super();
    }

    public ApiHandler(ApplicationContext context) {
        super(context);
    }
}
