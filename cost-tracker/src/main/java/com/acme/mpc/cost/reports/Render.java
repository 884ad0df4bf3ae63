package com.acme.mpc.cost.reports;

import com.acme.mpc.cost.api.Money;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Any report as JSON, or as CSV when asked for with Accept: text/csv (or ?format=csv). */
public final class Render {
    public static final String CSV = "text/csv";

    private Render() {}

    public static boolean wantsCsv(HttpHeaders headers, String format) {
        if (format != null) {
            return format.equalsIgnoreCase("csv");
        }
        // read by hand: JAX-RS' parsed list throws on an empty or malformed Accept, which is a client's (harmless)
        // mistake; anything unreadable is answered as JSON, the default
        String accept = headers.getHeaderString(HttpHeaders.ACCEPT);
        if (accept == null || accept.isBlank()) {
            return false;
        }
        for (String range : accept.split(",")) {
            String type = range.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
            if (type.equals("*/*")) {
                return false;
            }
            if (type.equals(CSV)) {
                return true;
            }
            if (type.endsWith("/json") || type.endsWith("+json")) {
                return false;
            }
        }
        return false;
    }

    /**
     * @param json the JSON body
     * @param rows the same data as flat rows for CSV (column order of the first row; {@code columns} when
     *     there is no row)
     */
    public static Response of(
            HttpHeaders headers,
            String format,
            Object json,
            List<Map<String, Object>> rows,
            List<String> columns,
            String name) {
        if (wantsCsv(headers, format)) {
            return Response.ok(csv(rows, columns), CSV + "; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"")
                    .build();
        }
        return Response.ok(json, MediaType.APPLICATION_JSON).build();
    }

    public static String csv(List<Map<String, Object>> rows, List<String> columns) {
        List<String> cols = rows.isEmpty() ? columns : List.copyOf(rows.get(0).keySet());
        StringBuilder sb = new StringBuilder();
        line(sb, cols);
        for (Map<String, Object> r : rows) {
            line(sb, cols.stream().map(r::get).toList());
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cell(values.get(i)));
        }
        sb.append("\r\n");
    }

    static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String s;
        if (v instanceof BigDecimal d) {
            s = Money.str(d);
        } else if (v instanceof Collection<?> c) {
            s = String.join(";", c.stream().map(String::valueOf).toList());
        } else {
            s = String.valueOf(v);
        }
        // quote when needed; neutralise spreadsheet formulas
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !(v instanceof Number)) {
            s = "'" + s;
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            s = '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
