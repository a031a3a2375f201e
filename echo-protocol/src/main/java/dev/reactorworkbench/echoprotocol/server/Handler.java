package dev.reactorworkbench.echoprotocol.server;

/**
 * The business logic: {@code reply = handle(frame)}. Models differ in which thread calls it; a
 * handler shared by a worker pool must be thread-safe (the echo handler keeps no state).
 */
@FunctionalInterface
public interface Handler {

    byte[] handle(byte[] frame);
}
