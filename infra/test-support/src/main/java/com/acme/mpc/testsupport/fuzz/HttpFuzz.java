package com.acme.mpc.testsupport.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Raw HTTP/1.1 over a socket for fuzz tests: any method, path, header or body bytes a client could send (an HTTP
 * client library would refuse or normalise most of them), one request per connection, and the pieces to build
 * malformed JSON from a {@link Random} so a failing case is reproduced from its seed.
 */
public final class HttpFuzz {
    private HttpFuzz() {}

    /** One request as sent: its bytes and a short description for failure messages. */
    public record Request(String method, String path, List<String[]> headers, byte[] body, String bodyKind) {
        public byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StringBuilder head =
                    new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            for (String[] h : headers) {
                head.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(body);
            return out.toByteArray();
        }

        public String describe() {
            StringBuilder sb =
                    new StringBuilder(method).append(' ').append(cut(path, 300)).append('\n');
            for (String[] h : headers) {
                sb.append("  ")
                        .append(cut(h[0], 60))
                        .append(": ")
                        .append(cut(h[1], 120))
                        .append('\n');
            }
            sb.append("  body (")
                    .append(bodyKind)
                    .append(", ")
                    .append(body.length)
                    .append(" bytes): ")
                    .append(cut(new String(body, StandardCharsets.ISO_8859_1), 300));
            return sb.toString();
        }
    }

    /** The final answer (interim 1xx answers skipped); status -1 when the server closed without one. */
    public record Answer(int status, String head, String body) {
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    public static Answer send(String host, int port, Request request) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.bytes());
                out.flush();
            } catch (IOException e) {
                // the server may answer (and close) before the whole body is written: read what it said
            }
            byte[] all = readAll(s.getInputStream(), request.method().equals("HEAD"));
            return parse(all);
        }
    }

    private static byte[] readAll(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                answer.write(buf, 0, n);
                if (complete(answer.toByteArray(), head)) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no complete answer within 20 s (" + answer.size() + " bytes read)", e);
        } catch (IOException e) {
            // a reset after the answer: keep what arrived
        }
        return answer.toByteArray();
    }

    /** Whether a final answer with a Content-Length body has fully arrived (else read to the end of the stream). */
    private static boolean complete(byte[] bytes, boolean headRequest) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int start = skipInterim(text);
        int end = text.indexOf("\r\n\r\n", start);
        if (end < 0) {
            return false;
        }
        if (headRequest) {
            // the answer to HEAD has no body, whatever its Content-Length says
            return true;
        }
        String head = text.substring(start, end);
        int length = -1;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return length >= 0 && text.length() >= end + 4 + length;
    }

    private static int skipInterim(String text) {
        int start = 0;
        while (text.startsWith("HTTP/1.1 1", start)) {
            int end = text.indexOf("\r\n\r\n", start);
            if (end < 0) {
                return start;
            }
            start = end + 4;
        }
        return start;
    }

    static Answer parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int start = skipInterim(text);
        int end = text.indexOf("\r\n\r\n", start);
        if (end < 0 || !text.startsWith("HTTP/1.1 ", start)) {
            return new Answer(-1, text, "");
        }
        String head = text.substring(start, end);
        int status = Integer.parseInt(head.substring(9, 12));
        byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        Answer partial = new Answer(status, head, "");
        String te = partial.header("transfer-encoding");
        byte[] body = te != null && te.equalsIgnoreCase("chunked") ? dechunk(rest) : rest;
        String cl = partial.header("content-length");
        if (cl != null && Integer.parseInt(cl) < body.length) {
            body = java.util.Arrays.copyOf(body, Integer.parseInt(cl));
        }
        return new Answer(status, head, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < in.length) {
            int lineEnd = indexOf(in, i);
            if (lineEnd < 0) {
                break;
            }
            String size = new String(in, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int n;
            try {
                n = Integer.parseInt(size, 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (n == 0) {
                break;
            }
            int from = lineEnd + 2;
            out.write(in, from, Math.min(n, in.length - from));
            i = from + n + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] in, int from) {
        for (int i = from; i + 1 < in.length; i++) {
            if (in[i] == '\r' && in[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    // --- generators ---

    public static <T> T pick(Random r, List<T> items) {
        return items.get(r.nextInt(items.size()));
    }

    @SafeVarargs
    public static <T> T pick(Random r, T... items) {
        return items[r.nextInt(items.length)];
    }

    /** A JSON value of any type, sometimes absurd (huge or odd numbers, NUL and unpaired surrogates in strings). */
    public static String anyJsonValue(Random r, int depth) {
        return switch (r.nextInt(depth > 3 ? 6 : 8)) {
            case 0 -> "null";
            case 1 -> r.nextBoolean() ? "true" : "false";
            case 2 -> oddNumber(r);
            case 3 -> "\"" + oddString(r) + "\"";
            case 4 -> Integer.toString(r.nextInt(5) - 1);
            case 5 -> "\"demo-chat\"";
            case 6 -> {
                List<String> items = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    items.add(anyJsonValue(r, depth + 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> {
                List<String> fields = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    fields.add("\"" + pick(r, "role", "content", "type", "text", "x", "") + "\":"
                            + anyJsonValue(r, depth + 1));
                }
                yield "{" + String.join(",", fields) + "}";
            }
        };
    }

    /** A value of a wrong or absurd kind for any field: an odd number, an odd string or any JSON value. */
    public static String oddValue(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> oddNumber(r);
            case 1 -> "\"" + oddString(r) + "\"";
            default -> anyJsonValue(r, 0);
        };
    }

    /** The JSON object {@code valid} with {@code field} set to {@code value} (first, its old value removed). */
    public static String withField(String valid, String field, String value) {
        return "{\"" + field + "\":" + value + "," + valid.substring(1).replaceFirst("\"" + field + "\":[^,}]*,?", "");
    }

    public static String oddNumber(Random r) {
        return pick(
                r,
                "1e20",
                "-1",
                "0",
                "-0",
                "1e400",
                "-1e400",
                "2147483648",
                "9223372036854775808",
                "100000000000000000000000000000",
                "0.0000000000000000000001",
                "3.5",
                "1E+2",
                "-2.000001",
                "1".repeat(500),
                "2",
                "20",
                "21");
    }

    public static String oddString(Random r) {
        return pick(
                r,
                "",
                "\\u0000",
                "a\\u0000b",
                "\\ud800",
                "\\udfff\\ud800",
                "x".repeat(r.nextInt(3000)),
                "\u00e9\u4e2d\u00ff",
                "\\\\\\\"",
                "%00",
                "sk-test-master",
                "<script>",
                "\\n\\r\\t");
    }

    static String cut(String s, int max) {
        String printable = s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
        return printable.length() > max ? printable.substring(0, max) + "...(" + s.length() + ")" : printable;
    }
}
