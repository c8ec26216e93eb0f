package dev.pipeline.bench.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.pipeline.local.LocalPipeline;

/**
 * Launch to healthy for one service, started as a fat jar and as the images start it:
 * extracted, with the JDK's AOT cache (JDK 25) or an AppCDS archive (older JDKs), trained
 * by one run that exits after the context refreshed; and, when the jar was built with
 * Spring AOT processing ({@code -Paot}, as the images' jars are), that again with the
 * AOT-processed context ({@code -Dspring.aot.enabled=true}) and a cache trained with it.
 *
 * @param service {@code api} or {@code worker}
 * @param cache what the fast start used
 * @param fatJar each fat-jar run's time to healthy
 * @param cached each cached run's time to healthy
 * @param springAot each run's time with the cache and Spring AOT; empty when the jar was
 * not AOT-processed
 */
record StartTimes(String service, String cache, List<Duration> fatJar, List<Duration> cached,
		List<Duration> springAot) {

	/** The system property that starts the context Spring AOT generated. */
	static final String SPRING_AOT = "-Dspring.aot.enabled=true";

	static StartTimes measure(Rig rig, Path root, Path work, String module, int runs)
			throws IOException, InterruptedException {
		boolean aot = Runtime.version().feature() >= 25;
		Path jar = LocalPipeline.Settings.jar(root, module);
		List<Duration> fat = new ArrayList<>();
		for (int i = 0; i < runs; i++) {
			Rig.progress("Start time: " + module + " as a fat jar, run " + (i + 1));
			fat.add(startOnce(rig, module, LocalPipeline.Settings.javaJar(jar)));
		}
		// The image's layout, from the image's own script (functions/image/assemble.sh),
		// which also tells whether the jar starts a Spring AOT context.
		Path extracted = work.resolve(module + "-extracted");
		assemble(root, "extract", jar.toString(), extracted.toString());
		Path app = extracted.resolve("app.jar");
		List<Duration> cached = startCached(rig, work, module, module, app, List.of(), runs);
		List<Duration> springAot = List.of();
		if (Files.readAllLines(extracted.resolve("jvm.options")).contains(SPRING_AOT)) {
			springAot = startCached(rig, work, module, module + "-spring-aot", app, List.of(SPRING_AOT), runs);
		}
		return new StartTimes(module, aot ? "JDK AOT cache" : "AppCDS", fat, cached, springAot);
	}

	/**
	 * Trains a cache (named {@code name}) for the extracted jar with these options, then
	 * starts with both.
	 */
	private static List<Duration> startCached(Rig rig, Path work, String module, String name, Path app,
			List<String> options, int runs) throws InterruptedException {
		boolean aot = Runtime.version().feature() >= 25;
		Path cache = work.resolve(name + (aot ? ".aot" : ".jsa"));
		List<String> training = new ArrayList<>(List.of(LocalPipeline.Settings.java(),
				aot ? "-XX:AOTCacheOutput=" + cache : "-XX:ArchiveClassesAtExit=" + cache,
				"-Dspring.context.exit=onRefresh"));
		training.addAll(LocalPipeline.Settings.JVM_OPTIONS);
		training.addAll(options);
		training.addAll(List.of("-jar", app.toString()));
		Rig.progress("Start time: training the " + (aot ? "AOT cache" : "CDS archive") + " of the " + name);
		LocalPipeline.Service trainer = rig.pipeline().launch(name + "-training", training, module.equals("api"));
		if (!trainer.process().waitFor(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The training run of the " + name + " did not exit");
		}
		List<String> fast = new ArrayList<>(List.of(LocalPipeline.Settings.java(),
				aot ? "-XX:AOTCache=" + cache : "-XX:SharedArchiveFile=" + cache));
		fast.addAll(LocalPipeline.Settings.JVM_OPTIONS);
		fast.addAll(options);
		fast.addAll(List.of("-jar", app.toString()));
		List<Duration> times = new ArrayList<>();
		for (int i = 0; i < runs; i++) {
			Rig.progress("Start time: " + name + " extracted with the cache, run " + (i + 1));
			times.add(startOnce(rig, module, fast));
		}
		return times;
	}

	private static Duration startOnce(Rig rig, String module, List<String> command) {
		LocalPipeline.Service service = rig.pipeline().launch(module + "-start", command, module.equals("api"));
		try {
			return service.awaitHealthy(Duration.ofSeconds(120));
		}
		finally {
			service.stop();
		}
	}

	private static void assemble(Path root, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("bash", "functions/image/assemble.sh"));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD);
		builder.environment().put("JAVA", LocalPipeline.Settings.java());
		if (builder.start().waitFor() != 0) {
			throw new IllegalStateException("Failed: " + command);
		}
	}

	static Duration median(List<Duration> runs) {
		return runs.stream().sorted().toList().get(runs.size() / 2);
	}

}
