package dev.mesh4j.istiod.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * istiod's certificate service, {@code istio.v1.auth.IstioCertificateService} of
 * {@code istio.io/api/security/v1alpha1/ca.proto}, written by hand: one unary method and two small
 * messages read and written with protobuf's coded streams, so no generated stub and no protoc in
 * the build.
 *
 * <pre>
 * message IstioCertificateRequest  { string csr = 1; int64 validity_duration = 3; Struct metadata = 4; }
 * message IstioCertificateResponse { repeated string cert_chain = 1; }
 * </pre>
 *
 * <p>{@code metadata} (istiod's impersonation of another identity by a trusted node) is never sent
 * and skipped when read, as every unknown field is.
 */
public final class CaProtocol {
  /** The service as istiod registers it. */
  public static final String SERVICE = "istio.v1.auth.IstioCertificateService";

  private CaProtocol() {}

  /** A certificate signing request: the PEM CSR and the lifetime asked for, in seconds (0: the CA's default). */
  public record CertificateRequest(String csr, long validitySeconds) {
    byte[] toBytes() {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream(csr.length() + 16);
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        o.writeString(1, csr);
        if (validitySeconds != 0) {
          o.writeInt64(3, validitySeconds);
        }
        o.flush();
        return out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static CertificateRequest parse(InputStream stream) throws IOException {
      CodedInputStream in = CodedInputStream.newInstance(stream);
      String csr = "";
      long validity = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag) {
          case (1 << 3) | 2 -> csr = in.readStringRequireUtf8();
          case (3 << 3) -> validity = in.readInt64();
          default -> in.skipField(tag);
        }
      }
      return new CertificateRequest(csr, validity);
    }
  }

  /** The CA's answer: PEM certificates, the workload's first and the root last, as istiod sends them. */
  public record CertificateResponse(List<String> certChain) {
    public CertificateResponse {
      certChain = List.copyOf(certChain);
    }

    byte[] toBytes() {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        for (String pem : certChain) {
          o.writeString(1, pem);
        }
        o.flush();
        return out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static CertificateResponse parse(InputStream stream) throws IOException {
      CodedInputStream in = CodedInputStream.newInstance(stream);
      List<String> chain = new ArrayList<>();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == ((1 << 3) | 2)) {
          chain.add(in.readStringRequireUtf8());
        } else {
          in.skipField(tag);
        }
      }
      return new CertificateResponse(chain);
    }
  }

  /** {@code IstioCertificateService/CreateCertificate}, unary. */
  public static final MethodDescriptor<CertificateRequest, CertificateResponse> CREATE_CERTIFICATE =
      MethodDescriptor.<CertificateRequest, CertificateResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "CreateCertificate"))
          .setRequestMarshaller(new Marshaller<>() {
            @Override
            public InputStream stream(CertificateRequest value) {
              return new ByteArrayInputStream(value.toBytes());
            }

            @Override
            CertificateRequest read(InputStream stream) throws IOException {
              return CertificateRequest.parse(stream);
            }
          })
          .setResponseMarshaller(new Marshaller<>() {
            @Override
            public InputStream stream(CertificateResponse value) {
              return new ByteArrayInputStream(value.toBytes());
            }

            @Override
            CertificateResponse read(InputStream stream) throws IOException {
              return CertificateResponse.parse(stream);
            }
          })
          .build();

  private abstract static class Marshaller<T> implements MethodDescriptor.Marshaller<T> {
    abstract T read(InputStream stream) throws IOException;

    @Override
    public T parse(InputStream stream) {
      try {
        return read(stream);
      } catch (IOException e) {
        throw io.grpc.Status.INTERNAL.withDescription("malformed " + SERVICE + " message: " + e.getMessage())
            .withCause(e).asRuntimeException();
      }
    }
  }
}
