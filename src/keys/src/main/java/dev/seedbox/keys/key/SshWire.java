package dev.seedbox.keys.key;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The SSH wire encoding (RFC 4251 §5) that OpenSSH key blobs are made of. */
final class SshWire {

  private SshWire() {
  }

  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    Writer uint32(int value) {
      out.write(value >>> 24);
      out.write(value >>> 16);
      out.write(value >>> 8);
      out.write(value);
      return this;
    }

    Writer bytes(byte[] bytes) {
      uint32(bytes.length);
      return raw(bytes);
    }

    Writer string(String value) {
      return bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    int size() {
      return out.size();
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  static final class Reader {
    private final byte[] data;
    private final String what;
    private int position;

    Reader(byte[] data, String what) {
      this.data = data;
      this.what = what;
    }

    byte[] raw(int length) {
      if (length < 0 || length > data.length - position) {
        throw new KeyFormatException("expected " + length + " more bytes in the " + what + ", found "
            + (data.length - position));
      }
      byte[] result = Arrays.copyOfRange(data, position, position + length);
      position += length;
      return result;
    }

    int uint32() {
      byte[] b = raw(4);
      return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    byte[] bytes() {
      return raw(uint32());
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    int remaining() {
      return data.length - position;
    }
  }
}
