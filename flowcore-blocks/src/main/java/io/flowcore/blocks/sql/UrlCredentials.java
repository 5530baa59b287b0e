package io.flowcore.blocks.sql;

import io.flowcore.api.block.BlockException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * Credentials written inside a JDBC URL, taken out of it so that SqlConnector keeps the password only
 * in its Secret field (encrypted in the block store, masked everywhere else):
 *  - "password=" as a query parameter or a ";"-separated property, in any case
 *    (jdbc:postgresql://h/db?user=u&password=p, jdbc:sqlserver://h;password=p);
 *  - "user:password@" before the host (jdbc:mysql://u:p@h/db; drivers that do not accept this form
 *    get a URL they do accept).
 * Query values are percent-decoded, as PostgreSQL's driver decodes them. Messages never show values.
 */
record UrlCredentials(String url, String user, String password) {
    private static final Pattern USER_INFO = Pattern.compile("^(jdbc:[A-Za-z0-9:+.\\-]*?//)([^/@?#;]*):([^/@?#;]*)@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&;])password=([^&;#]*)");

    /** The URL without credentials, and the user and password found in it (null when absent). */
    static UrlCredentials of(String url) {
        String user = null;
        String password = null;
        Matcher info = USER_INFO.matcher(url);
        if (info.find()) {
            user = decode(info.group(2));
            password = decode(info.group(3));
            url = info.group(1) + url.substring(info.end());
        }
        for (Matcher m = PASSWORD_PARAM.matcher(url); m.find(); m = PASSWORD_PARAM.matcher(url)) {
            char sep = m.group(1).charAt(0);
            String value = sep == ';' ? m.group(2) : decode(m.group(2));
            if (password != null && !password.equals(value)) {
                throw new BlockException("sql-connector: the url carries two different passwords: give the password once,"
                        + " in the 'password' field");
            }
            password = value;
            String before = url.substring(0, m.start());
            String rest = url.substring(m.end());
            url = sep == '?' ? before + (rest.startsWith("&") ? "?" + rest.substring(1) : rest) : before + rest;
        }
        return new UrlCredentials(url, user, password);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;   // not percent-encoded after all: the driver would take it as it is
        }
    }
}
