package dev.adit.infra;

import dev.adit.events.table.AditTable;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.apigatewayv2.DomainMappingOptions;
import software.amazon.awscdk.services.apigatewayv2.DomainName;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentType;
import software.amazon.awscdk.services.applicationautoscaling.ScalingInterval;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.certificatemanager.CertificateValidation;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.TablePropsV2;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.Ulimit;
import software.amazon.awscdk.services.ecs.UlimitName;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.Protocol;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.amazon.awscdk.services.ecs.CpuUtilizationScalingProps;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseNetworkListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.FilterCriteria;
import software.amazon.awscdk.services.lambda.FilterRule;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.route53.targets.ApiGatewayv2DomainProperties;
import software.amazon.awscdk.services.route53.targets.LoadBalancerTarget;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Adit deployment: the two DynamoDB tables (schemas from {@link AditTable}), the control API
 * (Lambda with SnapStart behind an HTTP API on {@code api.DOMAIN}), the stream consumer on the
 * table's stream (TTL finalizer and routing fan-out to an SNS topic), the edge fleet (ECS Fargate
 * behind a Network Load Balancer, one SQS queue per task on that topic) and the DNS records.
 * docs/deploy.md walks through a deployment.
 */
public class AditStack extends Stack {
    /** Edge container ports (see {@code adit edge --help}). */
    public static final int EDGE_HTTP_PORT = 8081;
    public static final int EDGE_AGENT_PORT = 8082;
    public static final int EDGE_ADMIN_PORT = 8083;
    public static final int EDGE_INTERNAL_PORT = 8084;
    /** The public TLS listener (public 443): edge-mode and passthrough tunnels, on with {@code publicTlsSecretArn}. */
    public static final int EDGE_TLS_PORT = 8443;
    /** How often edges look for a new version of the public certificate's secret. */
    static final String PUBLIC_TLS_RELOAD_INTERVAL = "60s";
    /** The CA's secret, for the control API (read at start and every hour, see SecretCaSource). */
    static final String CA_SECRET_ENV = "ADIT_CA_SECRET_ARN";

    /** NLB: connections are kept this long on a draining edge, then closed so agents reconnect elsewhere. */
    public static final Duration DEREGISTRATION_DELAY = Duration.seconds(90);
    /** ECS: SIGTERM, then this long for the edge to finish before SIGKILL (Fargate's maximum). */
    public static final Duration EDGE_STOP_TIMEOUT = Duration.seconds(120);
    /** Open files per edge container: Fargate's maximum. */
    public static final int EDGE_OPEN_FILES = 1_048_576;

    static final String API_HANDLER = "dev.adit.functions.lambda.ApiHandler::handleRequest";
    /** The stream consumer: TTL finalizer and routing fan-out, one reader of the table's stream. */
    static final String STREAM_CONSUMER_HANDLER = "dev.adit.functions.stream.StreamConsumerHandler::handleRequest";
    /** What an edge does with its own routing queue (named {@code ROUTING_TOPIC_NAME-EDGEID}). */
    static final List<String> EDGE_QUEUE_ACTIONS = List.of(
            "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes",
            "sqs:TagQueue", "sqs:ListQueueTags", "sqs:ReceiveMessage", "sqs:DeleteMessage");
    /** The routing topic's ARN, for the edges (the edge command reads it from this variable). */
    static final String ROUTING_TOPIC_ENV = "ADIT_ROUTING_TOPIC_ARN";
    static final List<String> API_TABLE_ACTIONS = List.of(
            "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem");
    static final List<String> EDGE_TABLE_ACTIONS = List.of(
            "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:DeleteItem", "dynamodb:DescribeTable");
    static final List<String> STREAM_READ_ACTIONS = List.of(
            "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams");

    private static final Pattern ECR_IMAGE = Pattern.compile(
            "(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^:@]+)(?::([^@]+))?");

    private final AditStackProps props;
    private final TableV2 table;
    private final TableV2 ephemeralTable;
    private final Topic routingTopic;

    public AditStack(Construct scope, String id, StackProps stackProps, AditStackProps props) {
        super(scope, id, stackProps);
        this.props = props;
        Tags.of(this).add("adit:env", props.envName());

        table = createMainTable();
        ephemeralTable = createEphemeralTable();
        IHostedZone zone = HostedZone.fromHostedZoneAttributes(this, "Zone", HostedZoneAttributes.builder()
                .hostedZoneId(props.hostedZoneId()).zoneName(props.hostedZoneName()).build());

        Code code = Code.fromAsset(props.lambdaArtifact().toAbsolutePath().toString());
        Alias api = apiFunction(code);
        httpApi(api, zone);
        routingTopic = createRoutingTopic();
        streamConsumer(code);
        edgeFleet(zone);
    }

    // ---- DynamoDB -------------------------------------------------------------------------------

    private TableV2 createMainTable() {
        TablePropsV2 schema = TableSchemas.toTableV2(AditTable.createTableRequest(props.tableName())).build();
        return new TableV2(this, "Table", TablePropsV2.builder()
                .tableName(schema.getTableName())
                .partitionKey(schema.getPartitionKey())
                .sortKey(schema.getSortKey())
                .billing(schema.getBilling())
                .globalSecondaryIndexes(schema.getGlobalSecondaryIndexes())
                .dynamoStream(schema.getDynamoStream())
                .timeToLiveAttribute(AditTable.TTL)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build());
    }

    /** Rate-limit counters and idempotency records: minutes to a day of life, no stream, nothing worth restoring. */
    private TableV2 createEphemeralTable() {
        TablePropsV2 schema = TableSchemas.toTableV2(
                AditTable.createEphemeralTableRequest(AditTable.ephemeralTableName(props.tableName()))).build();
        return new TableV2(this, "EphemeralTable", TablePropsV2.builder()
                .tableName(schema.getTableName())
                .partitionKey(schema.getPartitionKey())
                .sortKey(schema.getSortKey())
                .billing(schema.getBilling())
                .globalSecondaryIndexes(schema.getGlobalSecondaryIndexes())
                .dynamoStream(schema.getDynamoStream())
                .timeToLiveAttribute(AditTable.TTL)
                .deletionProtection(false)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build());
    }

    // ---- control API ----------------------------------------------------------------------------

    private Map<String, String> functionEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ADIT_TABLE_NAME", table.getTableName());
        env.put("ADIT_DOMAIN", props.domain());
        env.put("ADIT_TUNNEL_URL_TEMPLATE", "http://{name}." + props.domain());
        env.put("ADIT_TUNNEL_TLS_URL_TEMPLATE", "https://{name}." + props.domain());
        env.put("ADIT_EDGE_AGENT_HOST", props.edgeAgentHost());
        env.put("ADIT_EDGE_AGENT_PORT", Integer.toString(EDGE_AGENT_PORT));
        // C1 only: a short-lived request handler gains nothing from C2, and starts faster.
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        return env;
    }

    private Function javaFunction(String id, String handler, Code code, int memoryMb, Duration timeout, String description,
                                  SnapStartConf snapStart) {
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        return Function.Builder.create(this, id)
                .description(description)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(handler)
                .code(code)
                .memorySize(memoryMb)
                .timeout(timeout)
                .environment(functionEnvironment())
                .logGroup(logs)
                .snapStart(snapStart)
                .build();
    }

    private Alias apiFunction(Code code) {
        // SnapStart restores published versions from a snapshot taken after init; the alias is what
        // API Gateway invokes, so every request runs a SnapStart version, never $LATEST.
        Function function = javaFunction("ApiFunction", API_HANDLER, code, 2048, Duration.seconds(15),
                "Adit control API (API Gateway HTTP API, payload 2.0)", SnapStartConf.ON_PUBLISHED_VERSIONS);
        grant(function, "ApiTableAccess", API_TABLE_ACTIONS, List.of(
                table.getTableArn(), table.getTableArn() + "/index/" + AditTable.GSI1, ephemeralTable.getTableArn()));
        if (props.caSecretArn() != null) {
            // the API function alone: the stream consumer signs nothing
            function.addEnvironment(CA_SECRET_ENV, props.caSecretArn());
            grant(function, "ApiCaSecretRead", List.of("secretsmanager:GetSecretValue"), List.of(props.caSecretArn()));
        } else {
            Annotations.of(this).addWarningV2("adit:caSecret", "No caSecretArn: the control API has no CA, so passthrough"
                    + " tunnels get no certificates (sign-csr answers 503). Pass -c caSecretArn=... (see docs/deploy.md).");
        }
        return Alias.Builder.create(this, "ApiLive")
                .aliasName("live")
                .version(function.getCurrentVersion())
                .build();
    }

    private HttpApi httpApi(Alias api, IHostedZone zone) {
        ICertificate certificate = props.apiCertificateArn() != null
                ? Certificate.fromCertificateArn(this, "ApiCertificate", props.apiCertificateArn())
                : Certificate.Builder.create(this, "ApiCertificate")
                        .domainName(props.apiDomain())
                        .validation(CertificateValidation.fromDns(zone))
                        .build();
        DomainName domainName = DomainName.Builder.create(this, "ApiDomain")
                .domainName(props.apiDomain())
                .certificate(certificate)
                .build();
        HttpApi httpApi = HttpApi.Builder.create(this, "HttpApi")
                .apiName("adit-" + props.envName())
                .description("Adit control API")
                .createDefaultStage(true)
                .defaultDomainMapping(DomainMappingOptions.builder().domainName(domainName).build())
                .build();
        HttpLambdaIntegration integration = new HttpLambdaIntegration("ApiIntegration", api);
        httpApi.addRoutes(AddRoutesOptions.builder()
                .path("/v1/{proxy+}").methods(List.of(HttpMethod.ANY)).integration(integration).build());
        httpApi.addRoutes(AddRoutesOptions.builder()
                .path("/v1").methods(List.of(HttpMethod.ANY)).integration(integration).build());

        ARecord.Builder.create(this, "ApiRecord")
                .zone(zone)
                .recordName(props.apiDomain() + ".")
                .target(RecordTarget.fromAlias(new ApiGatewayv2DomainProperties(
                        domainName.getRegionalDomainName(), domainName.getRegionalHostedZoneId())))
                .build();
        CfnOutput.Builder.create(this, "ApiUrl").value("https://" + props.apiDomain()).build();
        CfnOutput.Builder.create(this, "ApiEndpoint").value(httpApi.getApiEndpoint()).build();
        return httpApi;
    }

    // ---- stream consumer: TTL finalizer and routing fan-out ------------------------------------

    /**
     * Where the stream consumer publishes routing changes; every edge subscribes a queue of its own
     * (docs/architecture.md, "Routing fan-out"). Named, so the edges' IAM can be confined to queues
     * named after it.
     */
    private Topic createRoutingTopic() {
        return Topic.Builder.create(this, "RoutingTopic")
                .topicName(routingTopicName())
                .displayName("Adit routing changes (" + props.envName() + ")")
                .enforceSsl(true)
                // Encrypted at rest like the edges' queues. The AWS-managed key needs no key policy:
                // the publisher's sns:Publish grant is enough, and SNS decrypts before delivering to SQS.
                .masterKey(software.amazon.awscdk.services.kms.Alias.fromAliasName(this, "RoutingTopicKey", "alias/aws/sns"))
                .build();
    }

    String routingTopicName() {
        return ("adit-" + props.envName() + "-routing").replaceAll("[^A-Za-z0-9_-]", "-");
    }

    /**
     * One Lambda reads the table's stream for everything (a shard serves at most two readers, and
     * every event source mapping is one): tombstones for tunnels the TTL swept, and each routing
     * change published to the routing topic.
     */
    private void streamConsumer(Code code) {
        Function function = javaFunction("StreamConsumerFunction", STREAM_CONSUMER_HANDLER, code, 1024, Duration.seconds(60),
                "Adit stream consumer: TTL finalizer (tombstones) and routing fan-out (SNS)", null);
        function.addEnvironment(ROUTING_TOPIC_ENV, routingTopic.getTopicArn());
        // Records that still fail after the retries land here (metadata only: shard and sequence numbers).
        Queue failures = Queue.Builder.create(this, "StreamConsumerFailures")
                .retentionPeriod(Duration.days(14))
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .build();
        // Least privilege, written out: the stream's ARN only (ListStreams included, as the Lambda
        // poller's execution role documents it), PutItem for the tombstone, Publish to the one topic.
        grant(function, "StreamConsumerStreamRead", STREAM_READ_ACTIONS, List.of(table.getTableStreamArn()));
        grant(function, "StreamConsumerTombstones", List.of("dynamodb:PutItem"), List.of(table.getTableArn()));
        grant(function, "StreamConsumerPublish", List.of("sns:Publish"), List.of(routingTopic.getTopicArn()));
        EventSourceMapping.Builder.create(this, "StreamConsumerStream")
                .target(function)
                .eventSourceArn(table.getTableStreamArn())
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(100)
                // No batching window: a routing change is handed over as soon as Lambda's poller sees it.
                // Only tunnel items matter to either part (the finalizer's tunnels, the edges' routes);
                // presence, names and usage counters never invoke the function.
                .filters(List.of(FilterCriteria.filter(Map.of("dynamodb", Map.of("Keys", Map.of("sk", Map.of(
                        "S", FilterRule.isEqual(dev.adit.events.table.Keys.TUNNEL_SK))))))))
                .reportBatchItemFailures(true)
                .bisectBatchOnError(true)
                .retryAttempts(10)
                .maxRecordAge(Duration.days(1))
                .onFailure(new SqsDlq(failures))
                .build();
        failures.grantSendMessages(function);
    }

    // ---- edge fleet -----------------------------------------------------------------------------

    private void edgeFleet(IHostedZone zone) {
        Vpc vpc = Vpc.Builder.create(this, "Vpc")
                .maxAzs(2)
                .natGateways(props.natGateways())
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("edges").subnetType(SubnetType.PRIVATE_WITH_EGRESS).cidrMask(22).build()))
                // DynamoDB traffic (presence heartbeats, routing reads, the stream) skips the NAT gateway.
                .gatewayEndpoints(Map.of("DynamoDb", GatewayVpcEndpointOptions.builder()
                        .service(GatewayVpcEndpointAwsService.DYNAMODB).build()))
                .build();

        SecurityGroup nlbSecurityGroup = SecurityGroup.Builder.create(this, "EdgeNlbSecurityGroup")
                .vpc(vpc).description("Adit public NLB: visitors on 80/443, agents on 8082").allowAllOutbound(false).build();
        nlbSecurityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(80), "visitors, HTTP");
        nlbSecurityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(443), "visitors, TLS passthrough");
        nlbSecurityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(EDGE_AGENT_PORT), "agents (TLS)");

        SecurityGroup internalNlbSecurityGroup = SecurityGroup.Builder.create(this, "EdgeInternalNlbSecurityGroup")
                .vpc(vpc).description("Adit internal NLB: edge-to-edge, VPC only").allowAllOutbound(false).build();
        internalNlbSecurityGroup.addIngressRule(Peer.ipv4(vpc.getVpcCidrBlock()), Port.tcp(EDGE_INTERNAL_PORT), "edge to edge, inside the VPC");

        SecurityGroup edgeSecurityGroup = SecurityGroup.Builder.create(this, "EdgeSecurityGroup")
                .vpc(vpc).description("Adit edge tasks").allowAllOutbound(true).build();
        for (int port : new int[] {EDGE_HTTP_PORT, EDGE_TLS_PORT, EDGE_AGENT_PORT, EDGE_ADMIN_PORT}) {
            edgeSecurityGroup.addIngressRule(nlbSecurityGroup, Port.tcp(port), "from the public NLB");
        }
        edgeSecurityGroup.addIngressRule(internalNlbSecurityGroup, Port.tcp(EDGE_INTERNAL_PORT), "from the internal NLB");
        edgeSecurityGroup.addIngressRule(internalNlbSecurityGroup, Port.tcp(EDGE_ADMIN_PORT), "health checks of the internal NLB");
        edgeSecurityGroup.addIngressRule(edgeSecurityGroup, Port.tcp(EDGE_INTERNAL_PORT), "edge to edge, direct");
        for (int port : new int[] {EDGE_HTTP_PORT, EDGE_TLS_PORT, EDGE_AGENT_PORT, EDGE_ADMIN_PORT}) {
            nlbSecurityGroup.addEgressRule(edgeSecurityGroup, Port.tcp(port), "to the edges");
        }
        internalNlbSecurityGroup.addEgressRule(edgeSecurityGroup, Port.tcp(EDGE_INTERNAL_PORT), "to the edges");
        internalNlbSecurityGroup.addEgressRule(edgeSecurityGroup, Port.tcp(EDGE_ADMIN_PORT), "health checks");

        Cluster cluster = Cluster.Builder.create(this, "Cluster").vpc(vpc).build();
        FargateTaskDefinition task = FargateTaskDefinition.Builder.create(this, "EdgeTask")
                .cpu(1024)
                .memoryLimitMiB(2048)
                .runtimePlatform(RuntimePlatform.builder()
                        .cpuArchitecture(CpuArchitecture.ARM64)
                        .operatingSystemFamily(OperatingSystemFamily.LINUX).build())
                .build();
        grant(task.getTaskRole(), "EdgeTableAccess", EDGE_TABLE_ACTIONS, List.of(table.getTableArn(),
                table.getTableArn() + "/index/" + AditTable.GSI1));
        // Routing changes come through the fan-out, not the stream: each task makes, reads and
        // deletes a queue named after the routing topic, and subscribes it to that topic only.
        grant(task.getTaskRole(), "EdgeRoutingQueue", EDGE_QUEUE_ACTIONS, List.of(
                "arn:" + getPartition() + ":sqs:" + getRegion() + ":" + getAccount() + ":" + routingTopicName() + "-*"));
        // Unsubscribe is authorized on the subscription, whose ARN is the topic's plus ":ID". Listing
        // lets edges find and remove the subscriptions and queues of tasks that died without closing.
        grant(task.getTaskRole(), "EdgeRoutingSubscription", List.of("sns:Subscribe", "sns:Unsubscribe",
                "sns:ListSubscriptionsByTopic"), List.of(
                routingTopic.getTopicArn(), routingTopic.getTopicArn() + ":*"));

        Map<String, Secret> secrets = new LinkedHashMap<>();
        String tlsArgs;
        if (props.edgeTlsSecretArn() != null) {
            ISecret tls = software.amazon.awscdk.services.secretsmanager.Secret.fromSecretCompleteArn(
                    this, "EdgeTlsSecret", props.edgeTlsSecretArn());
            secrets.put("ADIT_EDGE_TLS_CERT", Secret.fromSecretsManager(tls, "cert"));
            secrets.put("ADIT_EDGE_TLS_KEY", Secret.fromSecretsManager(tls, "key"));
            tlsArgs = " --tls-cert /tmp/adit/edge.crt --tls-key /tmp/adit/edge.key";
        } else {
            Annotations.of(this).addWarningV2("adit:edgeTls", "No edgeTlsSecretArn: every edge makes its own local CA,"
                    + " which agents will not trust. Pass -c edgeTlsSecretArn=... (see docs/deploy.md).");
            tlsArgs = " --data-dir /tmp/adit";
        }
        if (props.publicTlsSecretArn() != null) {
            // Read by the edge itself, not injected at start: it polls the secret and serves a new
            // version without a restart, so the task role (not the execution role) may read it.
            grant(task.getTaskRole(), "EdgePublicTlsSecretRead", List.of("secretsmanager:GetSecretValue"),
                    List.of(props.publicTlsSecretArn()));
            tlsArgs += " --tls-port " + EDGE_TLS_PORT + " --public-tls-secret " + props.publicTlsSecretArn()
                    + " --public-tls-reload-interval " + PUBLIC_TLS_RELOAD_INTERVAL;
        } else {
            Annotations.of(this).addWarningV2("adit:publicTls", "No publicTlsSecretArn: the edges' public TLS listener is off,"
                    + " so https://NAME." + props.domain() + " (edge-mode and passthrough tunnels) is refused on 443."
                    + " Pass -c publicTlsSecretArn=... (see docs/deploy.md).");
        }
        // The image's own entry point is java (Jib); this one first writes the agent listener's
        // certificate from the injected secrets to files, then execs the same JVM so SIGTERM reaches it.
        String script = "set -e; mkdir -p /tmp/adit; umask 077; "
                + "if [ -n \"$ADIT_EDGE_TLS_CERT\" ]; then printf '%s\\n' \"$ADIT_EDGE_TLS_CERT\" > /tmp/adit/edge.crt;"
                + " printf '%s\\n' \"$ADIT_EDGE_TLS_KEY\" > /tmp/adit/edge.key; fi; "
                + "exec java -cp @/app/jib-classpath-file dev.adit.launcher.Adit edge"
                + " --table " + table.getTableName() + " --region " + getRegion() + " --domain " + props.domain()
                + " --http-port " + EDGE_HTTP_PORT + " --agent-port " + EDGE_AGENT_PORT
                + " --admin-port " + EDGE_ADMIN_PORT + " --internal-port " + EDGE_INTERNAL_PORT
                + " --bind 0.0.0.0" + tlsArgs;
        LogGroup edgeLogs = LogGroup.Builder.create(this, "EdgeLogs")
                .retention(RetentionDays.ONE_MONTH).removalPolicy(RemovalPolicy.DESTROY).build();
        task.addContainer("edge", ContainerDefinitionOptions.builder()
                .image(edgeImage())
                .essential(true)
                .entryPoint(List.of("/bin/sh", "-c"))
                .command(List.of(script))
                .environment(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError",
                        ROUTING_TOPIC_ENV, routingTopic.getTopicArn()))
                .secrets(secrets)
                .portMappings(List.of(
                        tcp(EDGE_HTTP_PORT), tcp(EDGE_TLS_PORT), tcp(EDGE_AGENT_PORT), tcp(EDGE_ADMIN_PORT), tcp(EDGE_INTERNAL_PORT)))
                .stopTimeout(EDGE_STOP_TIMEOUT)
                // Every agent link and every visitor is a file descriptor, and `adit PORT` opens two links
                // per tunnel: Fargate's default of 65,535 would cap an edge near 30,000 tunnels.
                .ulimits(List.of(Ulimit.builder().name(UlimitName.NOFILE).softLimit(EDGE_OPEN_FILES).hardLimit(EDGE_OPEN_FILES).build()))
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder().logGroup(edgeLogs).streamPrefix("edge").build()))
                .build());

        FargateService service = FargateService.Builder.create(this, "EdgeService")
                .cluster(cluster)
                .taskDefinition(task)
                .desiredCount(props.edgeMinTasks())
                .minHealthyPercent(100)
                .maxHealthyPercent(200)
                .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
                .healthCheckGracePeriod(Duration.seconds(60))
                .securityGroups(List.of(edgeSecurityGroup))
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .assignPublicIp(false)
                .build();

        NetworkLoadBalancer nlb = NetworkLoadBalancer.Builder.create(this, "EdgeNlb")
                .vpc(vpc)
                .internetFacing(true)
                .crossZoneEnabled(true)
                .securityGroups(List.of(nlbSecurityGroup))
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build())
                .build();
        NetworkLoadBalancer internalNlb = NetworkLoadBalancer.Builder.create(this, "EdgeInternalNlb")
                .vpc(vpc)
                .internetFacing(false)
                .crossZoneEnabled(true)
                .securityGroups(List.of(internalNlbSecurityGroup))
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                .build();

        // Visitors' and agents' own addresses reach the edge (X-Forwarded-For, last_connected_ip_addr).
        listen(nlb, "Http", 80, service, EDGE_HTTP_PORT, vpc, true);
        listen(nlb, "Tls", 443, service, EDGE_TLS_PORT, vpc, true);
        listen(nlb, "Agents", EDGE_AGENT_PORT, service, EDGE_AGENT_PORT, vpc, true);
        // Not inside the VPC: with the client's address kept, an edge routed to itself would hairpin and fail.
        listen(internalNlb, "Internal", EDGE_INTERNAL_PORT, service, EDGE_INTERNAL_PORT, vpc, false);

        ScalableTaskCount scaling = service.autoScaleTaskCount(EnableScalingProps.builder()
                .minCapacity(props.edgeMinTasks()).maxCapacity(props.edgeMaxTasks()).build());
        scaling.scaleOnCpuUtilization("Cpu", CpuUtilizationScalingProps.builder()
                .targetUtilizationPercent(60)
                .scaleOutCooldown(Duration.seconds(60))
                .scaleInCooldown(Duration.minutes(10))
                .build());
        // Agent connections and visitor flows cost memory and file descriptors before they cost CPU:
        // step on the NLB's concurrent flows as well (thresholds assume ~10,000 flows per task).
        Metric activeFlows = Metric.Builder.create()
                .namespace("AWS/NetworkELB")
                .metricName("ActiveFlowCount")
                .dimensionsMap(Map.of("LoadBalancer", nlb.getLoadBalancerFullName()))
                .statistic("Average")
                .period(Duration.minutes(1))
                .build();
        scaling.scaleOnMetric("ActiveFlows", software.amazon.awscdk.services.applicationautoscaling.BasicStepScalingPolicyProps.builder()
                .metric(activeFlows)
                .adjustmentType(AdjustmentType.CHANGE_IN_CAPACITY)
                .scalingSteps(List.of(
                        ScalingInterval.builder().upper(5_000).change(-1).build(),
                        ScalingInterval.builder().lower(10_000L * props.edgeMinTasks()).change(1).build(),
                        ScalingInterval.builder().lower(20_000L * props.edgeMinTasks()).change(3).build()))
                .cooldown(Duration.minutes(2))
                .evaluationPeriods(3)
                .build());

        // *.DOMAIN (tunnels, and edge.DOMAIN for agents) to the public NLB; api.DOMAIN is more specific.
        ARecord.Builder.create(this, "WildcardRecord")
                .zone(zone)
                .recordName("*." + props.domain() + ".")
                .target(RecordTarget.fromAlias(new LoadBalancerTarget(nlb)))
                .build();
        CfnOutput.Builder.create(this, "EdgeLoadBalancer").value(nlb.getLoadBalancerDnsName()).build();
        CfnOutput.Builder.create(this, "AgentEndpoint").value(props.edgeAgentHost() + ":" + EDGE_AGENT_PORT).build();
        CfnOutput.Builder.create(this, "TableName").value(table.getTableName()).build();
        CfnOutput.Builder.create(this, "RoutingTopicArn").value(routingTopic.getTopicArn()).build();
    }

    private void listen(NetworkLoadBalancer nlb, String id, int port, FargateService service, int containerPort, Vpc vpc,
                        boolean preserveClientIp) {
        NetworkTargetGroup group = NetworkTargetGroup.Builder.create(this, id + "Targets")
                .vpc(vpc)
                .port(containerPort)
                .protocol(software.amazon.awscdk.services.elasticloadbalancingv2.Protocol.TCP)
                .targetType(TargetType.IP)
                .preserveClientIp(preserveClientIp)
                .deregistrationDelay(DEREGISTRATION_DELAY)
                .connectionTermination(true)
                .healthCheck(HealthCheck.builder()
                        .protocol(software.amazon.awscdk.services.elasticloadbalancingv2.Protocol.HTTP)
                        .port(Integer.toString(EDGE_ADMIN_PORT))
                        .path("/healthz")
                        .interval(Duration.seconds(10))
                        .healthyThresholdCount(2)
                        .unhealthyThresholdCount(2)
                        .build())
                .targets(List.of(service.loadBalancerTarget(LoadBalancerTargetOptions.builder()
                        .containerName("edge").containerPort(containerPort).protocol(Protocol.TCP).build())))
                .build();
        nlb.addListener(id + "Listener", BaseNetworkListenerProps.builder()
                .port(port)
                .protocol(software.amazon.awscdk.services.elasticloadbalancingv2.Protocol.TCP)
                .defaultTargetGroups(List.of(group))
                .build());
    }

    private ContainerImage edgeImage() {
        Matcher ecr = ECR_IMAGE.matcher(props.edgeImage());
        if (ecr.matches()) {
            // Same-account ECR: the execution role gets pull rights for exactly this repository.
            return ContainerImage.fromEcrRepository(
                    Repository.fromRepositoryAttributes(this, "EdgeRepository",
                            software.amazon.awscdk.services.ecr.RepositoryAttributes.builder()
                                    .repositoryName(ecr.group(3))
                                    .repositoryArn("arn:" + getPartition() + ":ecr:" + ecr.group(2) + ":" + ecr.group(1)
                                            + ":repository/" + ecr.group(3))
                                    .build()),
                    ecr.group(4) == null ? "latest" : ecr.group(4));
        }
        return ContainerImage.fromRegistry(props.edgeImage());
    }

    private static PortMapping tcp(int port) {
        return PortMapping.builder().containerPort(port).protocol(Protocol.TCP).build();
    }

    private static void grant(IGrantable grantee, String sid, List<String> actions, List<String> resources) {
        grantee.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(resources)
                .build());
    }

    public TableV2 table() {
        return table;
    }

    public TableV2 ephemeralTable() {
        return ephemeralTable;
    }
}
