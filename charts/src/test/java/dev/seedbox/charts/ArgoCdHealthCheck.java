package dev.seedbox.charts;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs one of the chart's Argo CD health scripts the way Argo CD does: the resource, converted from its JSON form
 * into Lua tables, is the global {@code obj}; the script returns a table with {@code status} and {@code message}.
 */
final class ArgoCdHealthCheck {

  record Health(String status, String message) {
  }

  private final String fileName;
  private final String script;

  private ArgoCdHealthCheck(String fileName, String script) {
    this.fileName = fileName;
    this.script = script;
  }

  static Path directory() {
    return RenderedChart.chartDir().resolve("argocd");
  }

  static ArgoCdHealthCheck load(String fileName) {
    try {
      return new ArgoCdHealthCheck(fileName, Files.readString(directory().resolve(fileName)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Evaluates the script against a resource given as YAML (JSON is YAML too). */
  Health evaluate(String resourceYaml) {
    try {
      return evaluate(RenderedChart.YAML.readTree(resourceYaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Health evaluate(JsonNode resource) {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(resource));
    LuaValue result = globals.load(script, fileName).call();
    if (!result.istable()) {
      throw new AssertionError(fileName + " returned " + result.typename() + ", not a table");
    }
    LuaValue message = result.get("message");
    return new Health(result.get("status").checkjstring(), message.isnil() ? null : message.tojstring());
  }

  private static LuaValue toLua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        table.set(field.getKey(), toLua(field.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      int index = 1;
      for (JsonNode element : node) {
        table.set(index++, toLua(element));
      }
      return table;
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.booleanValue());
    }
    if (node.isIntegralNumber()) {
      return LuaValue.valueOf(node.longValue());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.doubleValue());
    }
    return LuaValue.valueOf(node.asText());
  }
}
