package io.flowcore.server;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * How {@link FlowcoreServer} listens.
 *
 * @param port        the TCP port; 0 picks a free one (see {@link FlowcoreServer#port()})
 * @param bindAddress the address to listen on, e.g. {@code 127.0.0.1} (only this machine) or {@code 0.0.0.0}
 * @param auth        whether every API call and page needs an API key; false is allowed only on a loopback address
 */
public record ServerOptions(int port, String bindAddress, boolean auth) {

    public ServerOptions {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535: " + port);
        if (bindAddress == null || bindAddress.isBlank()) throw new IllegalArgumentException("bindAddress is empty");
        if (!auth && !isLoopback(bindAddress)) {
            throw new IllegalArgumentException("authentication can be turned off only on a loopback address (127.0.0.1, "
                    + "::1), not on " + bindAddress + ": create an API key with 'flowcore server api-key create' instead");
        }
    }

    /** Port 4200 on 127.0.0.1, with authentication. */
    public static ServerOptions defaults() {
        return new ServerOptions(4200, "127.0.0.1", true);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(p, bindAddress, auth);
    }

    public ServerOptions withBindAddress(String address) {
        return new ServerOptions(port, address, auth);
    }

    /** With or without API keys; see {@link ServerOptions the record's rule} for {@code false}. */
    public ServerOptions withAuth(boolean on) {
        return new ServerOptions(port, bindAddress, on);
    }

    private static boolean isLoopback(String address) {
        if (address.equals("localhost")) return true;
        if (!address.matches("[0-9.]+|[0-9a-fA-F:]+")) return false; // never resolve a host name here
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
