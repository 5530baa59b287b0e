package io.flowcore.engine.internal.run;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Run names: Prefect-style adjective-animal names for flow runs and templates with parameters. */
final class RunNames {
    private static final String[] ADJECTIVES = {
        "amber", "ancient", "arrogant", "azure", "bold", "brave", "bright", "calm", "capable", "careful", "cerulean",
        "clever", "cobalt", "cocky", "crimson", "curious", "daft", "dandy", "delicate", "eager", "electric", "elegant",
        "fancy", "fearless", "festive", "fiery", "gentle", "glorious", "golden", "graceful", "happy", "hilarious",
        "humble", "icy", "jolly", "keen", "lively", "loyal", "lucky", "magic", "mellow", "misty", "nimble", "noble",
        "olive", "orange", "patient", "peach", "placid", "polite", "proud", "quick", "quiet", "rainbow", "rapid",
        "ruby", "sage", "scarlet", "shiny", "silver", "smart", "snobbish", "spiffy", "steady", "sturdy", "swift",
        "tangerine", "tireless", "tranquil", "upbeat", "vegan", "vivid", "warm", "witty", "zealous"};
    private static final String[] ANIMALS = {
        "albatross", "alligator", "antelope", "armadillo", "badger", "beagle", "bear", "beaver", "bison", "bobcat",
        "buffalo", "camel", "caracal", "caterpillar", "chameleon", "cheetah", "chipmunk", "cicada", "coyote", "crab",
        "crane", "dingo", "dolphin", "donkey", "dove", "eagle", "earthworm", "falcon", "ferret", "finch", "flamingo",
        "fox", "gazelle", "gecko", "gibbon", "giraffe", "gopher", "grouse", "hare", "hedgehog", "heron", "hyena",
        "ibis", "impala", "jackal", "jaguar", "kangaroo", "kiwi", "koala", "lemming", "lemur", "leopard", "lion",
        "lizard", "llama", "lynx", "manatee", "mandrill", "manul", "marmot", "meerkat", "mongoose", "moose", "ocelot",
        "octopus", "okapi", "orca", "oriole", "otter", "owl", "panda", "pelican", "penguin", "puffin", "quail",
        "raccoon", "raven", "reindeer", "rhino", "robin", "salamander", "seal", "skunk", "sloth", "sparrow", "squid",
        "starling", "stingray", "swan", "tapir", "tiger", "toucan", "turtle", "viper", "walrus", "wallaby", "weasel",
        "wolf", "wombat", "yak", "zebra"};
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    private RunNames() {
    }

    static String randomFlowRunName() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return ADJECTIVES[r.nextInt(ADJECTIVES.length)] + "-" + ANIMALS[r.nextInt(ANIMALS.length)];
    }

    /**
     * Fills {@code {name}} and {@code {0}} placeholders from the call's parameters.
     *
     * @throws IllegalArgumentException naming the placeholder and the parameters when one is unknown
     */
    static String fill(String template, List<String> names, Object[] args) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            int index = names.indexOf(key);
            if (index < 0 && key.chars().allMatch(Character::isDigit)) index = Integer.parseInt(key);
            if (index < 0 || index >= args.length) {
                throw new IllegalArgumentException("run name template '" + template + "' uses {" + key
                        + "}, but the parameters are " + names + " (positions 0.." + (args.length - 1)
                        + "; names need the -parameters compiler flag)");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(String.valueOf(args[index])));
        }
        return m.appendTail(sb).toString();
    }

    static Map<String, Object> parameters(List<String> names, Object[] args) {
        java.util.LinkedHashMap<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) map.put(names.get(i), args[i]);
        return java.util.Collections.unmodifiableMap(map);
    }
}
