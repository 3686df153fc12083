package io.recsys.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Dockerfiles under docker/ (one folder per image), read as far as the tests need: the base image, labels, ARG
 * defaults, COPY instructions with those defaults filled in, and the exec-form entrypoint. Each names the image it
 * builds in its {@value #TITLE} label, the name the manifests use.
 */
record Dockerfiles(Path file, List<Instruction> instructions) {

    static final String TITLE = "org.opencontainers.image.title";
    static final Path DIR = Repository.ROOT.resolve("docker");

    record Instruction(String keyword, String arguments) {
    }

    record Copy(List<String> sources, String destination) {
    }

    private static final Pattern LABEL = Pattern.compile("([\\w.-]+)=\"([^\"]*)\"");
    private static final Pattern ARG_REFERENCE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");

    static List<Dockerfiles> all() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(dir -> dir.resolve("Dockerfile")).filter(Files::isRegularFile).sorted()
                    .map(Dockerfiles::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DIR, e);
        }
    }

    static Dockerfiles read(Path file) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && logical.isEmpty())) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                logical.append(trimmed);
                String[] parts = logical.toString().split("\\s+", 2);
                instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""));
                logical.setLength(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new Dockerfiles(file, List.copyOf(instructions));
    }

    String image() {
        return labels().get(TITLE);
    }

    String baseImage() {
        return arguments("FROM").get(0).split("\\s+")[0];
    }

    Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String arguments : arguments("LABEL")) {
            Matcher label = LABEL.matcher(arguments);
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
        }
        return labels;
    }

    Map<String, String> argDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String arguments : arguments("ARG")) {
            String[] nameAndDefault = arguments.split("=", 2);
            if (nameAndDefault.length == 2) {
                defaults.put(nameAndDefault[0], nameAndDefault[1]);
            }
        }
        return defaults;
    }

    /** COPY instructions with ARG defaults filled in; flags such as --chown dropped. */
    List<Copy> copies() {
        Map<String, String> defaults = argDefaults();
        List<Copy> copies = new ArrayList<>();
        for (String arguments : arguments("COPY")) {
            List<String> words = Stream.of(arguments.split("\\s+")).filter(word -> !word.startsWith("--"))
                    .map(word -> substitute(word, defaults)).toList();
            copies.add(new Copy(words.subList(0, words.size() - 1), words.get(words.size() - 1)));
        }
        return copies;
    }

    List<String> entrypoint() {
        List<String> entrypoint = arguments("ENTRYPOINT");
        if (entrypoint.size() != 1) {
            throw new AssertionError(this + " has " + entrypoint.size() + " ENTRYPOINT instructions, not one");
        }
        try {
            JsonNode words = new ObjectMapper().readTree(entrypoint.get(0));
            List<String> command = new ArrayList<>();
            words.forEach(word -> command.add(word.asText()));
            return command;
        } catch (IOException e) {
            throw new AssertionError(this + ": the ENTRYPOINT is not in exec form (a JSON array)", e);
        }
    }

    private List<String> arguments(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    private String substitute(String word, Map<String, String> defaults) {
        Matcher reference = ARG_REFERENCE.matcher(word);
        StringBuilder result = new StringBuilder();
        while (reference.find()) {
            String name = reference.group(1) != null ? reference.group(1) : reference.group(2);
            String value = defaults.get(name);
            if (value == null) {
                throw new AssertionError(this + " uses $" + name + ", which no ARG gives a default");
            }
            reference.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        return reference.appendTail(result).toString();
    }

    @Override
    public String toString() {
        return Repository.ROOT.relativize(file).toString();
    }
}
