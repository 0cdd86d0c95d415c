package dev.mesh4j.istiod.testing;

import dev.mesh4j.istiod.internal.CaProtocol;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * istiod's certificate authority in process: {@code IstioCertificateService/CreateCertificate}
 * as istiod serves it ({@code security/pkg/server/ca}): the bearer token authenticates the
 * caller (here a map from token to {@code ns/<namespace>/sa/<account>}), the CSR's signature is
 * checked, the certificate is issued for the authenticated identity (not what the CSR asks) for
 * the lifetime asked, and the chain is answered leaf first, root last. The certificates come from
 * a self-signed root, or, to test verification, from another root or for another identity.
 *
 * <p>Test fixture; thread-safe.
 */
public final class TestCa implements AutoCloseable {
  public final String trustDomain = "cluster.local";
  public final KeyPair rootKeys = ecKeys();
  public final X509Certificate root;
  private final Clock clock;
  private final String name = InProcessServerBuilder.generateName();
  private final Server server;
  private final Map<String, String> identities = new ConcurrentHashMap<>();
  private final AtomicLong serial = new AtomicLong(1);
  /** Every request's CSR, bearer token and ClusterID header, in order. */
  public final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile KeyPair signingKeys;
  private volatile X509Certificate signingRoot;
  private volatile String issueFor;
  private final ServerServiceDefinition service;

  /** One CreateCertificate call as the CA saw it. */
  public record Call(String token, String clusterId, PublicKey csrKey, String csrSpiffeId, long validitySeconds) {}

  private static final io.grpc.Context.Key<String> TOKEN = io.grpc.Context.key("token");
  private static final io.grpc.Context.Key<String> CLUSTER_ID = io.grpc.Context.key("clusterId");

  public TestCa(Clock clock) {
    this.clock = clock;
    this.root = selfSigned(rootKeys, "CN=mesh4j test root,O=" + trustDomain);
    this.signingKeys = rootKeys;
    this.signingRoot = root;
    ServerServiceDefinition service = ServerServiceDefinition.builder(CaProtocol.SERVICE)
        .addMethod(CaProtocol.CREATE_CERTIFICATE, ServerCalls.asyncUnaryCall((request, response) -> {
          try {
            response.onNext(create(request));
            response.onCompleted();
          } catch (io.grpc.StatusRuntimeException e) {
            response.onError(e);
          }
        }))
        .build();
    ServerInterceptor headers = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h,
          ServerCallHandler<Q, R> next) {
        String auth = h.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
        String cluster = h.get(Metadata.Key.of("ClusterID", Metadata.ASCII_STRING_MARSHALLER));
        io.grpc.Context ctx = io.grpc.Context.current().withValue(TOKEN, auth == null ? "" : auth)
            .withValue(CLUSTER_ID, cluster == null ? "" : cluster);
        return io.grpc.Contexts.interceptCall(ctx, call, h, next);
      }
    };
    this.service = ServerInterceptors.intercept(service, headers);
    try {
      server = InProcessServerBuilder.forName(name).addService(this.service).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Accepts {@code token} as the service account {@code account} of {@code namespace}. */
  public TestCa allow(String token, String namespace, String account) {
    identities.put(token, "ns/" + namespace + "/sa/" + account);
    return this;
  }

  /** Signs from now on with a root of its own that the mesh does not trust. */
  public void signWithAnotherRoot() {
    KeyPair other = ecKeys();
    signingKeys = other;
    signingRoot = selfSigned(other, "CN=another root");
  }

  /** Issues from now on for {@code ns/<namespace>/sa/<account>}, whoever asks. */
  public void issueFor(String namespace, String account) {
    issueFor = "ns/" + namespace + "/sa/" + account;
  }

  /** The CA as a service, for a server that serves xDS too (istiod serves both on port 15012). */
  public ServerServiceDefinition service() {
    return service;
  }

  /** Issues again from the mesh's root, for the identity that asks. */
  public void issueNormally() {
    signingKeys = rootKeys;
    signingRoot = root;
    issueFor = null;
  }

  public io.grpc.ManagedChannel channel() {
    return InProcessChannelBuilder.forName(name).build();
  }

  private CaProtocol.CertificateResponse create(CaProtocol.CertificateRequest request) {
    String auth = TOKEN.get();
    String token = auth.startsWith("Bearer ") ? auth.substring(7) : "";
    String identity = identities.get(token);
    PKCS10CertificationRequest csr;
    JcaPKCS10CertificationRequest jca;
    try (PEMParser pem = new PEMParser(new StringReader(request.csr()))) {
      csr = (PKCS10CertificationRequest) pem.readObject();
      jca = new JcaPKCS10CertificationRequest(csr);
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(jca.getPublicKey()))) {
        throw Status.INVALID_ARGUMENT.withDescription("CSR signature does not verify").asRuntimeException();
      }
    } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.pkcs.PKCSException e) {
      throw Status.INVALID_ARGUMENT.withDescription("CSR: " + e).asRuntimeException();
    }
    String csrSpiffe = "";
    var attrs = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
    if (attrs.length == 1) {
      Extensions ext = Extensions.getInstance(attrs[0].getAttrValues().getObjectAt(0));
      GeneralNames names = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
      for (GeneralName n : names.getNames()) {
        if (n.getTagNo() == GeneralName.uniformResourceIdentifier) {
          csrSpiffe = n.getName().toString();
        }
      }
    }
    PublicKey key;
    try {
      key = jca.getPublicKey();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    calls.add(new Call(token, CLUSTER_ID.get(), key, csrSpiffe, request.validitySeconds()));
    if (identity == null) {
      throw Status.UNAUTHENTICATED.withDescription("authenticate failure").asRuntimeException();
    }
    String subject = issueFor != null ? issueFor : identity;
    Instant now = clock.instant();
    Duration ttl = Duration.ofSeconds(request.validitySeconds() > 0 ? request.validitySeconds() : 86400);
    X509Certificate leaf = issue(key, "spiffe://" + trustDomain + "/" + subject, now, now.plus(ttl));
    return new CaProtocol.CertificateResponse(List.of(pem(leaf), pem(signingRoot)));
  }

  /** istiod's own serving certificate, for {@code dnsName}, from the mesh's root. */
  public X509Certificate serverCertificate(PublicKey key, String dnsName) {
    return issue(key, new GeneralName(GeneralName.dNSName, dnsName), Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofHours(1)));
  }

  /** A workload certificate for {@code spiffeId} from the mesh's root (for servers in tests). */
  public X509Certificate issue(PublicKey key, String spiffeId, Instant from, Instant until) {
    return issue(key, new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId), from, until);
  }

  private X509Certificate issue(PublicKey key, GeneralName name, Instant from, Instant until) {
    try {
      var b = new JcaX509v3CertificateBuilder(X500Name.getInstance(signingRoot.getSubjectX500Principal().getEncoded()),
          BigInteger.valueOf(serial.incrementAndGet()), Date.from(from), Date.from(until), new X500Name("O=" + trustDomain),
          key);
      b.addExtension(Extension.subjectAlternativeName, true,
          new GeneralNames(name));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signingKeys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate selfSigned(KeyPair keys, String dn) {
    try {
      Instant now = Instant.parse("2020-01-01T00:00:00Z");
      var b = new JcaX509v3CertificateBuilder(new X500Name(dn), BigInteger.ONE, Date.from(now),
          Date.from(now.plus(Duration.ofDays(3650 * 3))), new X500Name(dn), keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ecKeys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(X509Certificate cert) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(cert);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A private key as PKCS#8 PEM. */
  public static String pem(java.security.PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }

  public List<X509Certificate> roots() {
    return new ArrayList<>(List.of(root));
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
