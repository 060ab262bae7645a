package dev.adit.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: {@code cdk deploy -c domain=tunnels.example.com -c hostedZoneId=Z... -c edgeImage=...}
 * (see docs/deploy.md). One stack per environment, named {@code Adit-ENV} ({@code -c envName=staging}).
 */
public final class AditApp {
    private AditApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        AditStackProps props = AditStackProps.fromContext(app.getNode()::tryGetContext);
        String account = orEnv(app.getNode().tryGetContext("account"), "CDK_DEFAULT_ACCOUNT");
        String region = orEnv(app.getNode().tryGetContext("region"), "CDK_DEFAULT_REGION");
        new AditStack(app, "Adit-" + props.envName(), StackProps.builder()
                .env(Environment.builder().account(account).region(region).build())
                .description("Adit tunnel service (" + props.envName() + "): control API, tables, edge fleet")
                .build(), props);
        app.synth();
    }

    private static String orEnv(Object context, String variable) {
        return context != null ? context.toString() : System.getenv(variable);
    }
}
