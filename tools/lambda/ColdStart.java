import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.amazonaws.services.lambda.runtime.Context;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * Cold start of a function as the Lambda runtime drives it: JVM start, the adapter's
 * FunctionInvoker (which starts the Spring context), and one event handled. Prints the
 * milliseconds from JVM start to the invoker ready and to the first event's answer.
 * Run by tools/lambda/cold-start.sh against the shaded jar.
 */
public final class ColdStart {

	public static void main(String[] args) throws Exception {
		byte[] event = Files.readAllBytes(Path.of(args[0]));
		long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
		FunctionInvoker invoker = new FunctionInvoker();
		long ready = System.currentTimeMillis();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		Context context = (Context) Proxy.newProxyInstance(Context.class.getClassLoader(),
				new Class<?>[] { Context.class }, (proxy, method, arguments) -> switch (method.getName()) {
					case "getAwsRequestId" -> "cold-start";
					case "getRemainingTimeInMillis" -> 60_000;
					default -> null;
				});
		invoker.handleRequest(new ByteArrayInputStream(event), out, context);
		long handled = System.currentTimeMillis();
		System.out.printf("cold-start: ready %d ms, first event answered %d ms after JVM start: %s%n",
				ready - jvmStart, handled - jvmStart, out.toString(StandardCharsets.UTF_8));
	}

}
