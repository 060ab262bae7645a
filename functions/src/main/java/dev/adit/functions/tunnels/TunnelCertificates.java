package dev.adit.functions.tunnels;

import dev.adit.events.table.Keys;
import dev.adit.events.tunnels.TlsMode;
import dev.adit.events.tunnels.TunnelItem;
import dev.adit.events.tunnels.TunnelStatus;
import dev.adit.functions.auth.Caller;
import dev.adit.pki.CertificateAuthority;
import dev.adit.functions.certs.CaSource;
import dev.adit.functions.certs.CsrCheck;
import dev.adit.pki.Pem;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.platform.Dynamo;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Certificates for passthrough tunnels: Adit's CA signs a CSR whose key never leaves the agent's
 * machine. The first signed certificate makes an awaiting_cert tunnel active; a later CSR renews.
 */
public final class TunnelCertificates {
    private final Dynamo dynamo;
    private final TunnelQueries queries;
    private final CaSource ca;
    private final Duration validity;
    private final TunnelSettings settings;
    private final Clock clock;

    public TunnelCertificates(Dynamo dynamo, TunnelQueries queries, CaSource ca, Duration validity,
                              TunnelSettings settings, Clock clock) {
        this.dynamo = dynamo;
        this.queries = queries;
        this.ca = ca;
        this.validity = validity;
        this.settings = settings;
        this.clock = clock;
    }

    public Optional<String> caChainPem() {
        return ca.current().map(CertificateAuthority::chainPem);
    }

    public Tunnel signCsr(Caller caller, String tunnelId, String csrPem) {
        TunnelItem tunnel = queries.load(caller, tunnelId).orElseThrow(() -> TunnelQueries.notFound(tunnelId)).tunnel();
        if (!TlsMode.PASSTHROUGH.wireName().equals(tunnel.getTlsMode())) {
            throw ApiException.conflict("not_passthrough", "Only passthrough tunnels take a CSR; edge tunnels use the edge's certificate");
        }
        TunnelStatus status = Tunnel.effectiveStatus(tunnel, clock.instant());
        if (status != TunnelStatus.AWAITING_CERT && status != TunnelStatus.ACTIVE) {
            throw ApiException.conflict("tunnel_not_active", "Tunnel is " + status.wireName() + "; restore it before sending a CSR");
        }
        CertificateAuthority authority = ca.current().orElseThrow(() -> new ApiException(503, "ca_not_configured",
                "This Adit installation has no certificate authority configured for passthrough tunnels"));
        String hostname = tunnel.getTunnelName() + "." + settings.domain();
        PublicKey key = CsrCheck.validate(csrPem, hostname);
        X509Certificate certificate = authority.issueServer(key, List.of(hostname), List.of(), validity);
        long now = clock.millis();
        try {
            dynamo.client().updateItem(r -> r.tableName(dynamo.tableName())
                    .key(Dynamo.key(Keys.tunnelPk(tunnelId), Keys.TUNNEL_SK))
                    .updateExpression("SET cert_pem = :pem, cert_fingerprint_sha256 = :fp, cert_expires_at = :exp, "
                            + "#s = :active, updated_at = :now")
                    .conditionExpression("organization_id = :org AND tls_mode = :passthrough AND #s IN (:active, :awaiting)")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(
                            ":pem", Dynamo.s(Pem.encode(certificate) + Pem.encode(authority.intermediate())),
                            ":fp", Dynamo.s(Pem.fingerprint(certificate)),
                            ":exp", Dynamo.n(certificate.getNotAfter().getTime()),
                            ":active", Dynamo.s(TunnelStatus.ACTIVE.wireName()),
                            ":awaiting", Dynamo.s(TunnelStatus.AWAITING_CERT.wireName()),
                            ":passthrough", Dynamo.s(TlsMode.PASSTHROUGH.wireName()),
                            ":org", Dynamo.s(caller.organizationId()),
                            ":now", Dynamo.n(now))));
        } catch (ConditionalCheckFailedException e) {
            throw ApiException.conflict("tunnel_not_active", "Tunnel changed while its certificate was being signed; retry");
        }
        return queries.get(caller, tunnelId);
    }
}
