// The one-time soft alignment sets cos(B, W) = a in every layer: the angle is arccos(a).
// Run: ./softalign jshell examples/soft-alignment-angles.jsh
var train = data("blobs").train();
for (double a : new double[] {1.0, 0.5, 0.0}) {
    var net = Trainer.initialize(TrainConfig.defaults().dataset("blobs").rule("fa").align(a).depth(3).width(24), train);
    System.out.println("a=" + a + " angles " + angles(net));
}
var plain = Trainer.initialize(TrainConfig.defaults().dataset("blobs").rule("fa").depth(3).width(24), train);
System.out.println("random feedback, mean angle within 10 degrees of 90: "
        + (Math.abs(Arrays.stream(plain.feedbackAnglesDegrees()).average().orElse(0) - 90) < 10));
/exit
