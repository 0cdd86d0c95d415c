package dev.mesh4j.core.internal.identity;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PKCS#1 and SEC1 private keys, read by Bouncy Castle's PEM parser and converted to JDK keys (by
 * the JDK's own key factories: no security provider is registered). Loaded only when Bouncy Castle
 * is on the class path. Stateless.
 */
final class BouncyCastleKeys {
  private BouncyCastleKeys() {}

  static PrivateKey privateKey(String source, String pem) throws GeneralSecurityException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      // A SEC1 file may start with EC PARAMETERS: read on to the key.
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      }
    } catch (PEMException e) {
      throw new GeneralSecurityException(source + " holds a private key that cannot be read: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new GeneralSecurityException(source + " is not valid PEM: " + e.getMessage(), e);
    }
    throw new GeneralSecurityException(source + " holds no private key");
  }
}
