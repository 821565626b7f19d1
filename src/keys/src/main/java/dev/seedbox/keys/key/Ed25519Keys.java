package dev.seedbox.keys.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * Generates Ed25519 keypairs and reads and writes them in the OpenSSH private-key format
 * ({@code openssh-key-v1}, cipher and KDF {@code none}), byte for byte as {@code ssh-keygen} writes it.
 *
 * <p>The key sits unencrypted in the store on purpose: access control is the store's job (Secret RBAC, Vault
 * policy), and a passphrase would have to live next to it anyway.
 */
public final class Ed25519Keys {

  /** The PEM label ssh-keygen writes around an OpenSSH private key. */
  static final String PEM_LABEL = "OPENSSH PRIVATE KEY";
  static final String BEGIN = "-----BEGIN " + PEM_LABEL + "-----";
  static final String END = "-----END " + PEM_LABEL + "-----";
  private static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final int LINE_LENGTH = 70;
  private static final int BLOCK_SIZE = 8;

  private final SecureRandom random;

  public Ed25519Keys() {
    this(new SecureRandom());
  }

  public Ed25519Keys(SecureRandom random) {
    this.random = random;
  }

  /** A fresh keypair whose public key and private-key file both carry {@code comment}. */
  public SshKeyPair generate(String comment) {
    OpenSshPublicKey.checkComment(comment);
    Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
    generator.init(new Ed25519KeyGenerationParameters(random));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    Ed25519PrivateKeyParameters privateKey = (Ed25519PrivateKeyParameters) pair.getPrivate();
    Ed25519PublicKeyParameters publicKey = (Ed25519PublicKeyParameters) pair.getPublic();
    byte[] seed = privateKey.getEncoded();
    try {
      OpenSshPublicKey open = new OpenSshPublicKey(publicBlob(publicKey.getEncoded()), comment);
      return new SshKeyPair(open, encode(seed, publicKey.getEncoded(), comment));
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * Reads a stored private key and derives its public key (with the comment stored in the file), checking that the
   * file is consistent: the embedded public key must be the one the seed produces.
   */
  public SshKeyPair read(PrivateKeyMaterial material) {
    byte[] seed = null;
    byte[] privateSection = null;
    try {
      byte[] body = pemBody(material.openSshText());
      SshWire.Reader reader = new SshWire.Reader(body, "private key file");
      if (!Arrays.equals(reader.raw(MAGIC.length), MAGIC)) {
        throw new KeyFormatException("expected the openssh-key-v1 format, found another magic");
      }
      expect(reader.string(), "none", "cipher");
      expect(reader.string(), "none", "KDF");
      reader.bytes();
      int keys = reader.uint32();
      if (keys != 1) {
        throw new KeyFormatException("expected 1 key in the private key file, found " + keys);
      }
      byte[] outerBlob = reader.bytes();
      privateSection = reader.bytes();
      if (privateSection.length % BLOCK_SIZE != 0) {
        throw new KeyFormatException("expected the private section to be padded to " + BLOCK_SIZE + " bytes");
      }
      SshWire.Reader inner = new SshWire.Reader(privateSection, "private section");
      if (inner.uint32() != inner.uint32()) {
        throw new KeyFormatException("expected matching check integers in the private section, found different ones");
      }
      // the key type is echoed only when it is short printable text, never arbitrary private-section bytes
      String type = inner.string();
      if (!OpenSshPublicKey.KEY_TYPE.equals(type)) {
        throw new KeyFormatException("expected a private key of type " + OpenSshPublicKey.KEY_TYPE
            + ", found " + (type.matches("[a-z0-9@.-]{1,64}") ? "'" + type + "'" : "another type"));
      }
      byte[] publicKey = inner.bytes();
      byte[] secret = inner.bytes();
      String comment = inner.string();
      if (publicKey.length != 32 || secret.length != 64) {
        throw new KeyFormatException("expected a 32-byte public and 64-byte secret Ed25519 key, found "
            + publicKey.length + " and " + secret.length + " bytes");
      }
      seed = Arrays.copyOf(secret, 32);
      Arrays.fill(secret, (byte) 0);
      byte[] derived = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
      if (!MessageDigest.isEqual(derived, publicKey)
          || !MessageDigest.isEqual(publicBlob(derived), outerBlob)) {
        throw new KeyFormatException("expected the stored public key to match the private key, found a mismatch");
      }
      return new SshKeyPair(new OpenSshPublicKey(publicBlob(derived), comment), material);
    } finally {
      if (seed != null) {
        Arrays.fill(seed, (byte) 0);
      }
      if (privateSection != null) {
        Arrays.fill(privateSection, (byte) 0);
      }
    }
  }

  static byte[] publicBlob(byte[] rawPublicKey) {
    return new SshWire.Writer().string(OpenSshPublicKey.KEY_TYPE).bytes(rawPublicKey).toByteArray();
  }

  private PrivateKeyMaterial encode(byte[] seed, byte[] rawPublicKey, String comment) {
    int check = random.nextInt();
    byte[] secret = new byte[64];
    System.arraycopy(seed, 0, secret, 0, 32);
    System.arraycopy(rawPublicKey, 0, secret, 32, 32);
    SshWire.Writer inner = new SshWire.Writer()
        .uint32(check).uint32(check)
        .string(OpenSshPublicKey.KEY_TYPE)
        .bytes(rawPublicKey)
        .bytes(secret)
        .string(comment);
    for (int pad = 1; inner.size() % BLOCK_SIZE != 0; pad++) {
      inner.raw(new byte[] {(byte) pad});
    }
    byte[] privateSection = inner.toByteArray();
    byte[] body = new SshWire.Writer()
        .raw(MAGIC)
        .string("none")
        .string("none")
        .string("")
        .uint32(1)
        .bytes(publicBlob(rawPublicKey))
        .bytes(privateSection)
        .toByteArray();
    String base64 = Base64.getEncoder().encodeToString(body);
    StringBuilder pem = new StringBuilder(BEGIN).append('\n');
    for (int i = 0; i < base64.length(); i += LINE_LENGTH) {
      pem.append(base64, i, Math.min(base64.length(), i + LINE_LENGTH)).append('\n');
    }
    pem.append(END).append('\n');
    byte[] text = pem.toString().getBytes(StandardCharsets.US_ASCII);
    Arrays.fill(secret, (byte) 0);
    Arrays.fill(privateSection, (byte) 0);
    Arrays.fill(body, (byte) 0);
    try {
      return PrivateKeyMaterial.ofOpenSsh(text);
    } finally {
      Arrays.fill(text, (byte) 0);
    }
  }

  private static byte[] pemBody(String text) {
    String trimmed = text.strip();
    if (!trimmed.startsWith(BEGIN) || !trimmed.endsWith(END)) {
      // the PEM markers stay out of the message: leak checks search for them
      throw new KeyFormatException("expected OpenSSH private-key text (PEM armoured openssh-key-v1), found other text");
    }
    String base64 = trimmed.substring(BEGIN.length(), trimmed.length() - END.length()).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException("expected base64 between the OpenSSH private key markers, found invalid base64");
    }
  }

  private static void expect(String found, String expected, String what) {
    if (!expected.equals(found)) {
      throw new KeyFormatException("expected " + what + " '" + expected + "' (an unencrypted key), found '"
          + (found.matches("[a-z0-9@.-]{1,64}") ? found : "?") + "'");
    }
  }
}
