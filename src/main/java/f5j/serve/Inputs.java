package f5j.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * The fields of one request, from a JSON object or a multipart form: plain values by name and uploaded
 * files. A file (a multipart part, or a {@code NAME_base64} JSON string) is only ever stored under the
 * server's upload folder, under a name the server makes up, and deleted when the request ends.
 */
final class Inputs implements AutoCloseable {
    /** An uploaded file: where it lies now and what to call it in messages. */
    record Upload(Path file, String label) {}

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, Upload> files = new LinkedHashMap<>();
    private MultiPartFormData.Parts parts;

    private Inputs() {}

    /**
     * Reads the body (JSON or multipart/form-data), at most {@code limit} bytes (413 beyond); only the names in
     * {@code valueNames} and {@code fileNames} are accepted (400 for anything else).
     */
    static Inputs read(Request req, long limit, Path uploads, Set<String> valueNames, Set<String> fileNames) {
        return read(req, limit, limit, uploads, valueNames, fileNames);
    }

    /** As above; a JSON body (held in memory whole, files in base64) is limited to {@code jsonLimit}. */
    static Inputs read(Request req, long limit, long jsonLimit, Path uploads, Set<String> valueNames, Set<String> fileNames) {
        long len = req.getLength();
        String type = req.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (mime.equals("application/json")) limit = Math.min(limit, jsonLimit);
        if (len > limit) throw tooLarge(len, limit);
        Inputs in = new Inputs();
        try {
            switch (mime) {
                case "application/json" -> in.json(req, limit, uploads, valueNames, fileNames);
                case "multipart/form-data" -> in.multipart(req, type, limit, uploads, valueNames, fileNames);
                default -> throw new HttpError(415, "send application/json or multipart/form-data (got "
                        + (type == null ? "no Content-Type" : type) + ")");
            }
            return in;
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static HttpError tooLarge(long len, long limit) {
        return new HttpError(413, "the request body" + (len >= 0 ? " of " + len + " bytes" : "") + " is over the limit of "
                + limit + " bytes (see --max-upload-mb / --max-checkpoint-mb)");
    }

    private void json(Request req, long limit, Path uploads, Set<String> valueNames, Set<String> fileNames) {
        byte[] body;
        try (InputStream s = Content.Source.asInputStream(req)) {
            body = s.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        } catch (IOException e) {
            throw new HttpError(400, "cannot read the request body (" + e.getMessage() + ")");
        }
        if (body.length > limit) throw tooLarge(-1, limit);
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) throw new HttpError(400, "the request body must be a JSON object");
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new HttpError(400, "the request body is not valid JSON (" + e.getMessage() + ")");
        }
        for (Map.Entry<String, JsonElement> f : o.entrySet()) {
            String k = f.getKey();
            JsonElement v = f.getValue();
            if (v.isJsonNull()) continue;
            if (k.endsWith("_base64") && fileNames.contains(k.substring(0, k.length() - 7))) {
                if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) throw new HttpError(400, k + ": must be a base64 string");
                byte[] data;
                try {
                    data = Base64.getDecoder().decode(v.getAsString().replaceAll("\\s", ""));
                } catch (IllegalArgumentException e) {
                    throw new HttpError(400, k + ": not valid base64 (" + e.getMessage() + ")");
                }
                files.put(k.substring(0, k.length() - 7), store(uploads, data, k, ".wav"));
            } else if (valueNames.contains(k)) {
                if (!v.isJsonPrimitive()) throw new HttpError(400, k + ": must be a string or a number");
                JsonPrimitive p = v.getAsJsonPrimitive();
                values.put(k, p.isString() ? p.getAsString() : p.toString());
            } else {
                throw unknown(k, valueNames, fileNames, true);
            }
        }
    }

    private void multipart(Request req, String type, long limit, Path uploads, Set<String> valueNames, Set<String> fileNames) {
        String boundary = MultiPart.extractBoundary(type);
        if (boundary == null) throw new HttpError(400, "multipart/form-data without a boundary");
        MultiPartFormData.Parser p = new MultiPartFormData.Parser(boundary);
        p.setFilesDirectory(uploads);
        p.setMaxMemoryFileSize(1 << 20);
        p.setMaxLength(limit);
        p.setMaxFileSize(limit);
        p.setMaxParts(64);
        try {
            parts = p.parse(req).get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            String m = String.valueOf(c.getMessage());
            if (m.contains("max") && (m.contains("length") || m.contains("size"))) throw tooLarge(-1, limit);
            throw new HttpError(400, "bad multipart/form-data body (" + m + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "interrupted");
        }
        for (MultiPart.Part part : parts) {
            String k = part.getName();
            if (k == null) throw new HttpError(400, "a multipart part has no name");
            if (fileNames.contains(k)) {
                String ext = extension(part.getFileName());
                Path f = uploads.resolve("upload-" + UUID.randomUUID() + ext);
                try {
                    part.writeTo(f);
                } catch (IOException e) {
                    throw new HttpError(500, "cannot store the upload " + k + " (" + e.getMessage() + ")");
                }
                // the client's file name goes into messages and reports: plain characters only
                String label = k + (part.getFileName() != null ? " (" + part.getFileName().replaceAll("[^A-Za-z0-9._ -]", "_") + ")" : "");
                files.put(k, new Upload(f, label));
            } else if (valueNames.contains(k)) {
                values.put(k, part.getContentAsString(StandardCharsets.UTF_8));
            } else {
                throw unknown(k, valueNames, fileNames, false);
            }
        }
    }

    /** Only an extension the readers dispatch on is kept from the client's file name; the name itself never is. */
    private static String extension(String fileName) {
        if (fileName == null) return ".wav";
        String f = fileName.toLowerCase(java.util.Locale.ROOT);
        for (String e : new String[] {".safetensors", ".pt", ".pth", ".ckpt", ".txt", ".yaml", ".wav"}) {
            if (f.endsWith(e)) return e;
        }
        return ".bin";
    }

    private static HttpError unknown(String k, Set<String> valueNames, Set<String> fileNames, boolean json) {
        StringBuilder known = new StringBuilder(String.join(", ", valueNames));
        for (String f : fileNames) known.append(", ").append(json ? f + "_base64" : f);
        return new HttpError(400, "unknown field '" + k + "' (known: " + known + ")");
    }

    private Upload store(Path uploads, byte[] data, String label, String ext) {
        Path f = uploads.resolve("upload-" + UUID.randomUUID() + ext);
        try {
            Files.write(f, data);
        } catch (IOException e) {
            throw new HttpError(500, "cannot store the upload " + label + " (" + e.getMessage() + ")");
        }
        return new Upload(f, label);
    }

    String value(String name) { return values.get(name); }

    Upload file(String name) { return files.get(name); }

    Integer integer(String name) { return whole(name, Integer::parseInt); }

    Long longValue(String name) { return whole(name, Long::parseLong); }

    /** The field as a whole number of the parser's type; null when absent or blank. */
    private <T> T whole(String name, java.util.function.Function<String, T> parse) {
        String v = values.get(name);
        if (v == null || v.isBlank()) return null;
        try {
            return parse.apply(v.strip());
        } catch (NumberFormatException e) {
            throw new HttpError(400, name + ": '" + v + "' is not an integer");
        }
    }

    Double number(String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) return null;
        try {
            double d = Double.parseDouble(v.strip());
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new HttpError(400, name + ": '" + v + "' is not a finite number");
        }
    }

    /** Deletes every upload of this request. */
    @Override
    public void close() {
        for (Upload u : files.values()) {
            try {
                Files.deleteIfExists(u.file());
            } catch (IOException ignored) { }
        }
        files.clear();
        if (parts != null) parts.close();
    }
}
