package dev.adit.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything that differs between two deployments of Adit. {@link #fromContext} reads it from CDK
 * context ({@code cdk deploy -c domain=...}) with environment variables as the fallback.
 *
 * @param envName              deployment name, part of every resource name ({@code prod}, {@code staging})
 * @param domain               tunnels live at {@code NAME.domain}; the API at {@code api.domain}
 * @param hostedZoneId         the Route 53 public hosted zone that serves {@code domain}
 * @param hostedZoneName       that zone's name (usually {@code domain})
 * @param apiCertificateArn    ACM certificate for {@code api.domain} in the stack's region; null: the
 *                             stack requests one, validated through the hosted zone
 * @param edgeImage            the edge container image (built with Jib), e.g.
 *                             {@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com/adit-edge:0.1.0}
 * @param edgeTlsSecretArn     Secrets Manager secret with JSON keys {@code cert} and {@code key}
 *                             (PEM) for the agent listener, a certificate valid for {@code edge.domain};
 *                             null: each edge makes a throwaway local CA (agents will not trust it)
 * @param publicTlsSecretArn   Secrets Manager secret with the same JSON keys holding the wildcard certificate
 *                             for {@code *.domain}: turns on the edges' public TLS listener (443 → 8443,
 *                             edge-mode and passthrough tunnels); edges re-read it every minute, so a
 *                             rotation needs no redeployment. null: no public TLS
 * @param caSecretArn          Secrets Manager secret with JSON keys {@code root}, {@code intermediate} and
 *                             {@code intermediate_key} (PEM): Adit's CA, with which the control API signs
 *                             passthrough tunnels' certificates. null: sign-csr answers 503
 * @param lambdaArtifact       the control API's Lambda zip ({@code mvn -pl functions package})
 * @param tableName            the main table's name; the ephemeral table's follows from it
 * @param edgeMinTasks         lower bound of the edge fleet
 * @param edgeMaxTasks         upper bound of the edge fleet
 * @param natGateways          NAT gateways for the edges' private subnets (1 is cheap, 2 is zonal-redundant)
 */
public record AditStackProps(String envName, String domain, String hostedZoneId, String hostedZoneName,
                             String apiCertificateArn, String edgeImage, String edgeTlsSecretArn,
                             String publicTlsSecretArn, String caSecretArn, Path lambdaArtifact, String tableName, int edgeMinTasks, int edgeMaxTasks,
                             int natGateways) {

    private static final java.util.regex.Pattern COMPLETE_SECRET_ARN =
            java.util.regex.Pattern.compile("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+-[A-Za-z0-9]{6}");

    public static final Path DEFAULT_LAMBDA_ARTIFACT = Path.of("target", "lambda", "adit-functions-lambda.zip");

    public AditStackProps {
        requireText(envName, "envName");
        requireText(domain, "domain (cdk deploy -c domain=tunnels.example.com)");
        requireText(hostedZoneId, "hostedZoneId (cdk deploy -c hostedZoneId=Z0123456789ABC)");
        hostedZoneName = blank(hostedZoneName) ? domain : hostedZoneName;
        requireText(edgeImage, "edgeImage (cdk deploy -c edgeImage=ACCOUNT.dkr.ecr.REGION.amazonaws.com/adit-edge:TAG)");
        Objects.requireNonNull(lambdaArtifact, "lambdaArtifact");
        if (!Files.isRegularFile(lambdaArtifact)) {
            throw new IllegalArgumentException("The control API's Lambda artifact " + lambdaArtifact.toAbsolutePath()
                    + " does not exist. Build it first: `mvn -pl functions -am package -DskipTests` (then"
                    + " `mvn -pl infra package` copies it to infra/target/lambda/), or point -c lambdaArtifact=PATH at"
                    + " functions/target/adit-functions-VERSION-lambda.zip.");
        }
        tableName = blank(tableName) ? "adit-" + envName : tableName;
        if (tableName.length() < 3) {
            throw new IllegalArgumentException("DynamoDB table names need at least 3 characters: " + tableName);
        }
        apiCertificateArn = blank(apiCertificateArn) ? null : apiCertificateArn;
        edgeTlsSecretArn = secretArn(edgeTlsSecretArn, "edgeTlsSecretArn");
        publicTlsSecretArn = secretArn(publicTlsSecretArn, "publicTlsSecretArn");
        caSecretArn = secretArn(caSecretArn, "caSecretArn");
        if (edgeMinTasks < 1 || edgeMaxTasks < edgeMinTasks) {
            throw new IllegalArgumentException("edge tasks: need 1 <= min <= max, got " + edgeMinTasks + ".." + edgeMaxTasks);
        }
        if (natGateways < 1) {
            throw new IllegalArgumentException("the edges' private subnets need at least one NAT gateway");
        }
    }

    public String apiDomain() {
        return "api." + domain;
    }

    /** Where agents connect (covered by the wildcard record; "edge" is a reserved tunnel name). */
    public String edgeAgentHost() {
        return "edge." + domain;
    }

    /**
     * Reads the props from CDK context, falling back to environment variables ({@code domain} or
     * {@code ADIT_DOMAIN}, {@code hostedZoneId} or {@code ADIT_HOSTED_ZONE_ID}, ...).
     */
    public static AditStackProps fromContext(Function<String, Object> context) {
        Function<String, String> get = key -> {
            Object value = context.apply(key);
            if (value != null && !value.toString().isBlank()) {
                return value.toString();
            }
            String env = System.getenv("ADIT_" + key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
            return env == null || env.isBlank() ? null : env;
        };
        String artifact = get.apply("lambdaArtifact");
        return new AditStackProps(
                orElse(get.apply("envName"), "prod"),
                get.apply("domain"),
                get.apply("hostedZoneId"),
                get.apply("hostedZoneName"),
                get.apply("apiCertificateArn"),
                get.apply("edgeImage"),
                get.apply("edgeTlsSecretArn"),
                get.apply("publicTlsSecretArn"),
                get.apply("caSecretArn"),
                artifact == null ? DEFAULT_LAMBDA_ARTIFACT : Path.of(artifact),
                get.apply("tableName"),
                Integer.parseInt(orElse(get.apply("edgeMinTasks"), "2")),
                Integer.parseInt(orElse(get.apply("edgeMaxTasks"), "20")),
                Integer.parseInt(orElse(get.apply("natGateways"), "1")));
    }

    /** A secret's complete ARN, or null. IAM grants name it exactly, so a partial ARN or a bare name would grant nothing. */
    private static String secretArn(String value, String key) {
        if (blank(value)) {
            return null;
        }
        if (!COMPLETE_SECRET_ARN.matcher(value).matches()) {
            throw new IllegalArgumentException(key + " must be a secret's complete ARN, arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX"
                    + " (`aws secretsmanager describe-secret --secret-id NAME --query ARN --output text` prints it), not " + value);
        }
        return value;
    }

    private static String orElse(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static void requireText(String value, String what) {
        if (blank(value)) {
            throw new IllegalArgumentException("missing " + what);
        }
    }
}
