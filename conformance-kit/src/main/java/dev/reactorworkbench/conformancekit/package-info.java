/**
 * The conformance kit: the behaviour every model guarantees, as one abstract JUnit 5 class.
 *
 * <p>To run it against a model, add {@code conformance-kit} as a test-scope dependency and write:
 * <pre>{@code
 * class MyModelConformanceTest extends ConformanceKit {
 *     @Override protected ServerModel model() { return new MyModel(); }
 *     // optional: @Override protected ServerConfig.Builder configure(ServerConfig.Builder b) {
 *     //     return b.option("workers", "4"); }
 * }
 * }</pre>
 *
 * <p>The helpers are public for a model's own tests: {@link dev.reactorworkbench.conformancekit.Await}
 * (bounded polling), {@link dev.reactorworkbench.conformancekit.Payloads} (checkable payloads and
 * byte comparisons), {@link dev.reactorworkbench.conformancekit.ClientTask} (client work on a
 * {@code kit-client-N} thread) and {@link dev.reactorworkbench.conformancekit.LiveThreads} (every
 * live thread, virtual ones included).
 */
package dev.reactorworkbench.conformancekit;
