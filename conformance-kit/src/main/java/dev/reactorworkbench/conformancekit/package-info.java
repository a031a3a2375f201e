/**
 * The conformance kit: the behaviour every model guarantees (DESIGN.md, "Behaviour every model
 * guarantees"), as tests, one test class per guarantee and numbered as there:
 * {@link dev.reactorworkbench.conformancekit.G01ExactEcho} ...
 * {@link dev.reactorworkbench.conformancekit.G10NoConnectionStarves}.
 *
 * <p>To run it against a model, add {@code conformance-kit} as a test-scope dependency and write:
 * <pre>{@code
 * class MyModelConformanceTest extends ConformanceKit {
 *     @Override public ServerModel model() { return new MyModel(); }
 *     // optional: @Override public ServerConfig.Builder configure(ServerConfig.Builder b) {
 *     //     return b.option("workers", "4"); }
 *     // optional: @Override public List<Codec> codecs() { return List.of(LengthPrefixedCodec.INSTANCE); }
 * }
 * }</pre>
 * {@link dev.reactorworkbench.conformancekit.ConformanceKit} runs guarantees 1 to 8 and 10 as its
 * nested classes. Guarantee 9 (out of file descriptors) starts the server in a child JVM under
 * {@code prlimit}, so it is an integration test of its own ({@code *IT}, run by Failsafe):
 * <pre>{@code
 * class MyModelOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
 *     @Override protected Class<?> mainClass() { return MyModelMain.class; }
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
