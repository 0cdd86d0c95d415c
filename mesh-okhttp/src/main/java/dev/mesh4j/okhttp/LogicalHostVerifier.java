package dev.mesh4j.okhttp;

import java.security.cert.Certificate;
import java.util.Arrays;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import okhttp3.CertificatePinner;

/**
 * The application's own certificate checks, made against the host it asked for rather than the
 * endpoint address the connection goes to: its hostname verifier, and its certificate pins for
 * that host. Used when the logical host is an IP literal (otherwise the URL keeps naming it and
 * OkHttp checks it itself). A value: equal checks share pooled connections.
 *
 * @param verifier the client's hostname verifier
 * @param pinner the client's certificate pinner
 * @param host the host the application asked for
 */
record LogicalHostVerifier(HostnameVerifier verifier, CertificatePinner pinner, String host)
    implements HostnameVerifier {
  @Override
  public boolean verify(String endpoint, SSLSession session) {
    if (!verifier.verify(host, session)) {
      return false;
    }
    if (pinner.findMatchingPins(host).isEmpty()) {
      return true;
    }
    try {
      pinner.check(host, Arrays.asList((Certificate[]) session.getPeerCertificates()));
      return true;
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
