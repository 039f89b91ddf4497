MATCH (n) WHERE fold(n.name) = fold('DA NANG') RETURN labels(n) AS labels, n.name AS name
