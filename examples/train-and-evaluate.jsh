// Train a small network with feedback alignment plus a one-time soft alignment, then evaluate it.
// Run: ./softalign jshell examples/train-and-evaluate.jsh
var split = data("blobs");
var c = TrainConfig.defaults().dataset("blobs").rule("fa").align(0.9).depth(2).width(32).epochs(3).lr(0.01).seed(7);
var m = train(c, split);
var e = Evaluation.of(m.net(), split.test());
System.out.println(String.format(Locale.ROOT, "test accuracy %.4f", m.testAccuracy()));
System.out.println("evaluation agrees with training: " + (e.accuracy() == m.testAccuracy()));
System.out.println("epochs recorded: " + m.history().size());
/exit
