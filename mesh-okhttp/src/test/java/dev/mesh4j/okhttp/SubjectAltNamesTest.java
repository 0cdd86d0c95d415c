package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.tls.SubjectAltNames;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** The server-name check of TLS origination: DNS names with RFC 6125 wildcards, IPs, URIs (SPIFFE). */
class SubjectAltNamesTest {

  static X509Certificate certificate(GeneralName... names) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    KeyPair keys = g.generateKeyPair();
    Date now = new Date();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=test"), BigInteger.ONE, now,
        new Date(now.getTime() + 3_600_000), new X500Name("CN=test"), keys.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  static GeneralName dns(String n) {
    return new GeneralName(GeneralName.dNSName, n);
  }

  @Test
  void dnsNamesMatchExactlyIgnoringCaseAndATrailingDot() throws Exception {
    X509Certificate c = certificate(dns("reviews.default.svc.cluster.local"), dns("API.example.com"));
    assertThat(SubjectAltNames.matches("reviews.default.svc.cluster.local", c)).isTrue();
    assertThat(SubjectAltNames.matches("api.example.com.", c)).isTrue();
    assertThat(SubjectAltNames.matches("reviews.default", c)).isFalse();
    assertThat(SubjectAltNames.matches("evil-api.example.com", c)).isFalse();
  }

  @Test
  void aWildcardCoversExactlyOneLeftMostLabelAndNeverAPublicSuffix() throws Exception {
    X509Certificate c = certificate(dns("*.example.com"), dns("*.com"), dns("w*.other.com"));
    assertThat(SubjectAltNames.matches("a.example.com", c)).isTrue();
    assertThat(SubjectAltNames.matches("a.b.example.com", c)).isFalse();
    assertThat(SubjectAltNames.matches("example.com", c)).isFalse();
    assertThat(SubjectAltNames.matches("anything.com", c)).as("*.com names no one").isFalse();
    assertThat(SubjectAltNames.matches("www.other.com", c)).as("a partial-label wildcard is not honoured").isFalse();
  }

  @Test
  void ipAddressesMatchIpNamesOnlyWhateverTheirSpelling() throws Exception {
    X509Certificate c = certificate(new GeneralName(GeneralName.iPAddress, "10.0.0.1"),
        new GeneralName(GeneralName.iPAddress, "2001:db8::1"), dns("10.0.0.2"));
    assertThat(SubjectAltNames.matches("10.0.0.1", c)).isTrue();
    assertThat(SubjectAltNames.matches("2001:0db8:0:0:0:0:0:1", c)).isTrue();
    assertThat(SubjectAltNames.matches("[2001:db8::1]", c)).isTrue();
    assertThat(SubjectAltNames.matches("10.0.0.2", c)).as("an IP written as a DNS name does not count").isFalse();
  }

  @Test
  void aSpiffeIdentityMatchesAUriNameExactly() throws Exception {
    X509Certificate c = certificate(new GeneralName(GeneralName.uniformResourceIdentifier,
        "spiffe://cluster.local/ns/default/sa/reviews"));
    assertThat(SubjectAltNames.matches("spiffe://cluster.local/ns/default/sa/reviews", c)).isTrue();
    assertThat(SubjectAltNames.matches("spiffe://cluster.local/ns/default/sa/ratings", c)).isFalse();
    assertThat(SubjectAltNames.matches("spiffe://cluster.local/ns/default/sa/reviews/x", c)).isFalse();
  }

  @Test
  void aCertificateWithoutSubjectAltNamesMatchesNothing() throws Exception {
    assertThat(SubjectAltNames.matches("test", certificate())).isFalse();
  }
}
