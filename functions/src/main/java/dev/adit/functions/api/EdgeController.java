package dev.adit.functions.api;

import dev.adit.functions.edges.EdgeDirectory;
import dev.adit.functions.errors.ApiException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.Optional;

@Controller("/v1")
@Tag(name = "edges")
public class EdgeController {
    private final EdgeDirectory edges;
    private final Guard guard;
    private final dev.adit.functions.tunnels.TunnelCertificates certificates;

    public EdgeController(EdgeDirectory edges, Guard guard, dev.adit.functions.tunnels.TunnelCertificates certificates) {
        this.edges = edges;
        this.certificates = certificates;
        this.guard = guard;
    }

    @Get("/edge")
    @Operation(summary = "Where agents connect, and the CA their edge's certificate chains to")
    @SecurityRequirement(name = "bearer")
    public EdgeDirectory.EdgeInfo edge(HttpRequest<?> request) {
        guard.enter(request, Optional.empty(), Guard.Bucket.READ);
        return edges.describe();
    }

    @Get(value = "/ca.pem", produces = "application/x-pem-file")
    @Operation(summary = "The certificate authority that agents and clients pin (PEM)")
    public HttpResponse<String> caPem() {
        String pem = certificates.caChainPem().or(edges::caPem)
                .orElseThrow(() -> ApiException.notFound("CA certificate (this installation uses public certificates only)"));
        return HttpResponse.ok(pem).contentType(MediaType.of("application/x-pem-file"));
    }
}
