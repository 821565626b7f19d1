package dev.seedbox.provisioning.cloudinit;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Web UI passwords and their qBittorrent hash: PBKDF2-HMAC-SHA512, 100,000 iterations, a 16-byte random salt and a
 * 64-byte key, written {@code @ByteArray(<base64 salt>:<base64 key>)} as qBittorrent stores
 * {@code WebUI\Password_PBKDF2}. Only the hash leaves the control plane towards a server.
 */
public final class QbittorrentPassword {

  public static final int ITERATIONS = 100_000;
  public static final int SALT_BYTES = 16;
  public static final int KEY_BYTES = 64;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
  private static final int PASSWORD_LENGTH = 24;

  private QbittorrentPassword() {}

  /** A new random password: 24 characters from an alphabet without look-alikes (about 139 bits). */
  public static String generate() {
    char[] chars = new char[PASSWORD_LENGTH];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }

  /** The hash of {@code password} with a fresh random salt. */
  public static String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return hash(password, salt);
  }

  /** The hash of {@code password} with the given salt, in qBittorrent's {@code @ByteArray(salt:key)} form. */
  public static String hash(String password, byte[] salt) {
    Objects.requireNonNull(password, "password");
    if (salt.length != SALT_BYTES) {
      throw new IllegalArgumentException("expected a " + SALT_BYTES + "-byte salt, found " + salt.length + " bytes");
    }
    char[] chars = password.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, ITERATIONS, KEY_BYTES * 8);
    try {
      byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
      Base64.Encoder base64 = Base64.getEncoder();
      return "@ByteArray(" + base64.encodeToString(salt) + ":" + base64.encodeToString(key) + ")";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available in this JVM", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(chars, '\0');
    }
  }
}
