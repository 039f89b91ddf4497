UNWIND [3, 1, 2] AS x
WITH collect(x) AS xs
RETURN xs, size(xs) AS n, head(xs) AS first, last(xs) AS last, tail(xs) AS rest, reverse(xs) AS reversed,
       [x IN xs WHERE x > 1 | x * 10] AS big, xs[1..] AS sliced, range(1, 7, 3) AS stepped
