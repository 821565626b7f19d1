package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the Kubernetes protobuf encoding of the two objects a user creates with kubectl before installing
 * ({@code kubectl create namespace}, {@code kubectl create secret}): kubectl sends those as protobuf and does not
 * retry in JSON when the server refuses it. The envelope is {@code k8s\0} and a {@code runtime.Unknown} holding
 * the type and the object's own bytes; of the object, the metadata's name, generateName, namespace, labels,
 * annotations and finalizers are read, and a Secret's data, stringData, type and immutable. Anything else (another
 * kind, a malformed body) is not understood, and the caller refuses it as an unsupported media type.
 */
final class ProtobufObjects {

  private static final byte[] MAGIC = {'k', '8', 's', 0};

  private final ObjectMapper json;

  ProtobufObjects(ObjectMapper json) {
    this.json = json;
  }

  /** The object as JSON, when it is a v1 Namespace or Secret this class can read. */
  Optional<ObjectNode> toJson(byte[] body) {
    if (body.length < MAGIC.length || body[0] != MAGIC[0] || body[1] != MAGIC[1] || body[2] != MAGIC[2]
        || body[3] != MAGIC[3]) {
      return Optional.empty();
    }
    try {
      Reader unknown = new Reader(body, MAGIC.length, body.length);
      String apiVersion = null;
      String kind = null;
      byte[] raw = null;
      while (unknown.more()) {
        int field = unknown.tag();
        if (field == 1) {
          Reader typeMeta = unknown.message();
          while (typeMeta.more()) {
            int f = typeMeta.tag();
            if (f == 1) {
              apiVersion = typeMeta.string();
            } else if (f == 2) {
              kind = typeMeta.string();
            } else {
              typeMeta.skip();
            }
          }
        } else if (field == 2) {
          raw = unknown.bytes();
        } else {
          unknown.skip();
        }
      }
      if (!"v1".equals(apiVersion) || raw == null || !("Namespace".equals(kind) || "Secret".equals(kind))) {
        return Optional.empty();
      }
      ObjectNode object = json.createObjectNode().put("apiVersion", "v1").put("kind", kind);
      Reader fields = new Reader(raw, 0, raw.length);
      while (fields.more()) {
        int field = fields.tag();
        if (field == 1) {
          object.set("metadata", metadata(fields.message()));
        } else if (kind.equals("Secret") && field == 2) {
          String[] entry = mapEntry(fields.message(), true);
          object.with("data").put(entry[0], entry[1]);
        } else if (kind.equals("Secret") && field == 3) {
          object.put("type", fields.string());
        } else if (kind.equals("Secret") && field == 4) {
          String[] entry = mapEntry(fields.message(), false);
          object.with("stringData").put(entry[0], entry[1]);
        } else if (kind.equals("Secret") && field == 5) {
          object.put("immutable", fields.varint() != 0);
        } else {
          fields.skip();
        }
      }
      return Optional.of(object);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private ObjectNode metadata(Reader meta) {
    ObjectNode metadata = json.createObjectNode();
    while (meta.more()) {
      int field = meta.tag();
      switch (field) {
        case 1 -> metadata.put("name", meta.string());
        case 2 -> metadata.put("generateName", meta.string());
        case 3 -> metadata.put("namespace", meta.string());
        case 11 -> {
          String[] entry = mapEntry(meta.message(), false);
          metadata.with("labels").put(entry[0], entry[1]);
        }
        case 12 -> {
          String[] entry = mapEntry(meta.message(), false);
          metadata.with("annotations").put(entry[0], entry[1]);
        }
        case 14 -> metadata.withArray("finalizers").add(meta.string());
        default -> meta.skip();
      }
    }
    return metadata;
  }

  /** A map entry (key 1, value 2); a bytes value comes back base64-encoded, as JSON carries it. */
  private static String[] mapEntry(Reader entry, boolean bytesValue) {
    String key = "";
    String value = "";
    while (entry.more()) {
      int field = entry.tag();
      if (field == 1) {
        key = entry.string();
      } else if (field == 2) {
        byte[] bytes = entry.bytes();
        value = bytesValue ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, StandardCharsets.UTF_8);
      } else {
        entry.skip();
      }
    }
    return new String[] {key, value};
  }

  /** Protocol buffers' wire format: tags, varints and length-delimited fields, within bounds. */
  private static final class Reader {
    private final byte[] data;
    private int at;
    private final int end;
    private int wireType;

    Reader(byte[] data, int from, int to) {
      this.data = data;
      this.at = from;
      this.end = to;
    }

    boolean more() {
      return at < end;
    }

    int tag() {
      long tag = varint();
      wireType = (int) (tag & 7);
      return (int) (tag >>> 3);
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (at >= end) {
          throw new IllegalArgumentException("truncated varint");
        }
        byte b = data[at++];
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("varint too long");
    }

    byte[] bytes() {
      if (wireType != 2) {
        throw new IllegalArgumentException("not a length-delimited field");
      }
      int length = (int) varint();
      if (length < 0 || at + length > end) {
        throw new IllegalArgumentException("field runs past its message");
      }
      byte[] bytes = java.util.Arrays.copyOfRange(data, at, at + length);
      at += length;
      return bytes;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    Reader message() {
      byte[] bytes = bytes();
      return new Reader(bytes, 0, bytes.length);
    }

    void skip() {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> at += 8;
        case 2 -> bytes();
        case 5 -> at += 4;
        default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
      }
      if (at > end) {
        throw new IllegalArgumentException("field runs past its message");
      }
    }
  }
}
