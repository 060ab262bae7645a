package dev.adit.functions.certs;

import dev.adit.functions.errors.ApiException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.StringReader;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;

/**
 * What a tunnel's certificate request must be before Adit's CA signs it: well-formed PEM, signed
 * by the key it carries (proof of possession), a strong key, and naming the tunnel's hostname and
 * nothing else. Each refusal says exactly what is wrong.
 */
public final class CsrCheck {
    private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1);
    private static final int MAX_PEM = 16 * 1024;

    private CsrCheck() {
    }

    /** The request's public key, once every rule holds for {@code hostname}. */
    public static PublicKey validate(String csrPem, String hostname) {
        PKCS10CertificationRequest csr = parse(csrPem);
        PublicKey key;
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr);
            key = jca.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                throw refuse("the CSR's signature does not verify: it was not signed by the key it carries");
            }
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            throw refuse("the CSR's signature or key cannot be read: " + e.getMessage());
        }
        checkKey(csr, key);
        checkNames(csr, hostname);
        return key;
    }

    private static PKCS10CertificationRequest parse(String pem) {
        if (pem == null || pem.isBlank()) {
            throw refuse("csr_pem is required: a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)");
        }
        if (pem.length() > MAX_PEM) {
            throw refuse("csr_pem is too large");
        }
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object parsed = parser.readObject();
            if (parsed instanceof PKCS10CertificationRequest csr) {
                return csr;
            }
        } catch (Exception malformed) {
            // answered below: whatever it is, it is not a CSR we can read
        }
        throw refuse("csr_pem is not a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)");
    }

    private static void checkKey(PKCS10CertificationRequest csr, PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw refuse("the CSR's RSA key has " + rsa.getModulus().bitLength() + " bits; at least 2048 are required");
            }
            return;
        }
        var algorithm = csr.getSubjectPublicKeyInfo().getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())
                && algorithm.getParameters() instanceof ASN1ObjectIdentifier curve && CURVES.contains(curve)) {
            return;
        }
        throw refuse("the CSR's key type is not accepted: use RSA (2048 bits or more) or EC P-256 or P-384");
    }

    private static void checkNames(PKCS10CertificationRequest csr, String hostname) {
        RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
        if (cns.length != 1) {
            throw refuse("the CSR's subject must have exactly one common name (CN), " + hostname);
        }
        String cn = IETFUtils.valueToString(cns[0].getFirst().getValue());
        if (!hostname.equalsIgnoreCase(cn)) {
            throw refuse("the CSR's common name is " + cn + ", but this tunnel's hostname is " + hostname);
        }
        var requested = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
        for (var attribute : requested) {
            Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
            GeneralNames sans = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
            if (sans == null) {
                continue;
            }
            for (GeneralName name : sans.getNames()) {
                if (name.getTagNo() != GeneralName.dNSName) {
                    throw refuse("the CSR asks for a subject alternative name that is not a DNS name (an IP address, e-mail or URI); only " + hostname + " is allowed");
                }
                String dns = name.getName().toString();
                if (dns.contains("*")) {
                    throw refuse("the CSR asks for a wildcard name (" + dns + "); only " + hostname + " is allowed");
                }
                if (!hostname.equalsIgnoreCase(dns)) {
                    throw refuse("the CSR asks for " + dns + "; only this tunnel's hostname " + hostname + " is allowed");
                }
            }
        }
    }

    private static ApiException refuse(String message) {
        return ApiException.invalid("csr_pem", message);
    }
}
