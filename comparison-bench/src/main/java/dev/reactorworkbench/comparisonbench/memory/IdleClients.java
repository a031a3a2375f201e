package dev.reactorworkbench.comparisonbench.memory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The client process of the memory scenario: opens N connections to a server, says
 * {@code CONNECTED N} on stdout, and holds them, silent, until its stdin ends; then closes them
 * and exits. A process of its own so that the server's process holds only the server's side of
 * the sockets (each process stays under the open-file limit) and none of the client's memory.
 */
public final class IdleClients {

    private IdleClients() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: IdleClients HOST PORT CONNECTIONS");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        List<SocketChannel> open = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open();
                open.add(channel);
                channel.socket().connect(target, 10_000);
            }
            System.out.println("CONNECTED " + open.size());
            System.out.flush();
            // Hold them until told to go: the parent closes our stdin.
            while (System.in.read() >= 0) {
                // ignore input; only its end matters
            }
        } catch (IOException e) {
            System.out.println("FAILED after " + open.size() + " connections: " + e.getMessage());
            System.out.flush();
        } finally {
            for (SocketChannel channel : open) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
