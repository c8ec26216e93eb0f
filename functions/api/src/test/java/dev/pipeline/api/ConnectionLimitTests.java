package dev.pipeline.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import software.amazon.awssdk.services.sqs.SqsClient;

import static dev.pipeline.api.ApiTestSupport.body;
import static dev.pipeline.api.ApiTestSupport.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The API holds a bounded number of connections: on virtual threads every connection with
 * a request in progress is served at once, so the connection limit is what bounds the
 * heap the requests take. Here the limit is 3: with three kept-alive connections open, a
 * request on a fourth waits unanswered in the listen backlog until one of them closes,
 * and is then answered.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.tomcat.max-connections=3")
class ConnectionLimitTests {

	static final String QUEUE = "connection-limit-tests";

	static final String PARAMETER = "/connection-limit-tests/token";

	static final String TOKEN = ApiTestSupport.newToken();

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final SsmStub ssm = Emulators.ssm();

	static final String queueUrl = sqsEmulator.createQueue(QUEUE);

	static final SqsClient sqs = sqsEmulator.client();

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		ssm.putSecureString(PARAMETER, TOKEN);
		ApiTestSupport.register(registry, sqsEmulator, ssm, QUEUE, PARAMETER);
	}

	@AfterAll
	static void stopEmulators() {
		sqs.close();
	}

	@Test
	void aConnectionBeyondTheLimitIsServedOnlyOnceAnotherCloses() throws Exception {
		// Not through the shared HTTP client, whose kept-alive connection would hold a
		// slot.
		await().atMost(Duration.ofSeconds(30)).until(this::healthy);
		assertThat(((TomcatWebServer) this.context.getWebServer()).getTomcat()
			.getConnector()
			.getProperty("maxConnections")).isEqualTo(3);
		List<Socket> held = new ArrayList<>();
		try (Socket waiting = new Socket()) {
			for (int i = 0; i < 3; i++) {
				Socket socket = new Socket("127.0.0.1", this.port);
				held.add(socket);
				assertThat(postOn(socket)).as("connection %d, within the limit", i).isEqualTo("HTTP/1.1 202 ");
			}
			waiting.connect(new java.net.InetSocketAddress("127.0.0.1", this.port));
			waiting.setSoTimeout(1_000);
			sendPost(waiting);
			assertThatExceptionOfType(SocketTimeoutException.class).as("no answer while three connections are held")
				.isThrownBy(() -> statusLine(waiting));
			held.remove(0).close();
			waiting.setSoTimeout(10_000);
			assertThat(statusLine(waiting)).isEqualTo("HTTP/1.1 202 ");
		}
		finally {
			for (Socket socket : held) {
				socket.close();
			}
		}
		assertThat(drain(sqs, queueUrl)).hasSize(4);
	}

	@Test
	void theApplicationHoldsAtMost1024ConnectionsByDefault() throws IOException {
		String yaml = new ClassPathResource("application.yaml").getContentAsString(StandardCharsets.UTF_8);
		assertThat(yaml).containsPattern("(?m)^  tomcat:(\\n    .*)*\\n    max-connections: 1024$");
	}

	private boolean healthy() throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII));
			return "HTTP/1.1 200 ".equals(statusLine(socket));
		}
	}

	private String postOn(Socket socket) throws IOException {
		socket.setSoTimeout(10_000);
		sendPost(socket);
		return statusLine(socket);
	}

	private void sendPost(Socket socket) throws IOException {
		byte[] content = body(TOKEN, "{\"email_timestream\":1764201600}").getBytes(StandardCharsets.UTF_8);
		OutputStream out = socket.getOutputStream();
		out.write(("POST /ingest HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
				+ content.length + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.write(content);
		out.flush();
	}

	/**
	 * Reads one whole response (headers and chunked body) and returns its status line, so
	 * that the connection can carry the next request.
	 */
	private static String statusLine(Socket socket) throws IOException {
		BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
		String status = in.readLine();
		boolean chunked = false;
		for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
			chunked |= line.equalsIgnoreCase("Transfer-Encoding: chunked");
		}
		if (chunked) {
			for (int size = Integer.parseInt(in.readLine().trim(), 16); size > 0; size = Integer
				.parseInt(in.readLine().trim(), 16)) {
				char[] chunk = new char[size];
				int read = 0;
				while (read < size) {
					read += in.read(chunk, read, size - read);
				}
				in.readLine();
			}
			in.readLine();
		}
		return status;
	}

}
