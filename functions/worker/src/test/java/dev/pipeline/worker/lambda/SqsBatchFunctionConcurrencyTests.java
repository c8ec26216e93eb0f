package dev.pipeline.worker.lambda;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pipeline.testsupport.AwsEnvironment;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch is stored in parallel: the function's timeout is one message's S3 call timeout,
 * so a batch stored one message after the other could not finish in it when S3 is slow.
 * The S3 endpoint here holds every upload until all five of the batch have arrived (a
 * latch, not a clock); stored one at a time, the first upload would wait in vain, be
 * answered 503 and the batch would report failures.
 */
@IntegrationTest
class SqsBatchFunctionConcurrencyTests {

	static final int BATCH = 5;

	static final CountDownLatch allArrived = new CountDownLatch(BATCH);

	static final AtomicInteger held = new AtomicInteger();

	static final AtomicInteger mostHeld = new AtomicInteger();

	static HttpServer s3;

	static Map<String, String> properties;

	static FunctionInvoker invoker;

	@BeforeAll
	static void start() throws Exception {
		s3 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		s3.setExecutor(Executors.newCachedThreadPool());
		s3.createContext("/", SqsBatchFunctionConcurrencyTests::answer);
		s3.start();
		properties = AwsEnvironment.local()
			.s3(URI.create("http://127.0.0.1:" + s3.getAddress().getPort()))
			.with("MAIN_CLASS", WorkerApplication.class.getName())
			.with("spring.cloud.function.definition", SqsBatchFunction.NAME)
			.with("spring.main.web-application-type", "none")
			.with("persist.bucket.name", "concurrency-tests")
			.asMap();
		properties.forEach(System::setProperty);
		invoker = new FunctionInvoker();
	}

	@AfterAll
	static void stop() {
		properties.keySet().forEach(System::clearProperty);
		s3.stop(0);
	}

	@Test
	void storesTheMessagesOfABatchAtTheSameTime() throws Exception {
		List<String> records = IntStream.range(0, BATCH)
			.mapToObj((i) -> SqsBatchFunctionTests.record("aaaaaaaa-aaaa-4aaa-8aaa-00000000000" + i,
					"{\"email_timestream\":1764201600,\"n\":" + i + "}", "2026-12-02T10:00:00.000Z"))
			.toList();

		JsonNode response = SqsBatchFunctionTests.invoke(invoker, SqsBatchFunctionTests.event(records));

		assertThat(response.get("batchItemFailures")).isEmpty();
		assertThat(mostHeld).hasValue(BATCH);
	}

	/** S3's PutObject, each held until the whole batch is in flight; 503 if it is not. */
	private static void answer(HttpExchange exchange) throws IOException {
		try (exchange) {
			exchange.getRequestBody().readAllBytes();
			int status = 200;
			if ("PUT".equals(exchange.getRequestMethod())) {
				mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
				allArrived.countDown();
				try {
					status = allArrived.await(3, TimeUnit.SECONDS) ? 200 : 503;
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					status = 503;
				}
				finally {
					held.decrementAndGet();
				}
				exchange.getResponseHeaders().add("ETag", "\"0\"");
			}
			exchange.sendResponseHeaders(status, -1);
		}
	}

}
