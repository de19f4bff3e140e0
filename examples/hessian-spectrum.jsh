// The top Hessian eigenvalue of a small trained network, by Lanczos and by the exact dense Hessian.
var split = data("blobs");
var m = train(TrainConfig.defaults().dataset("blobs").depth(1).width(16).epochs(3).batch(32).lr(0.05), split);
var h = Hessian.of(m.net(), split.train().first(500));
var lanczos = Lanczos.create().top(1).bottom(1).run(h);
var dense = Dense.eigen(Dense.matrix(h));
var n = dense.values().length;
System.out.println("parameters " + h.dimension());
System.out.printf(Locale.ROOT, "lanczos top %.8f bottom %.8f (%d Hessian-vector products)%n", lanczos.top()[0], lanczos.bottom()[0], lanczos.products());
System.out.printf(Locale.ROOT, "dense   top %.8f bottom %.8f%n", dense.values()[0], dense.values()[n - 1]);
System.out.println("top agrees to 1e-8: " + (Math.abs(lanczos.top()[0] - dense.values()[0]) <= 1e-8 * Math.abs(dense.values()[0])));
/exit
