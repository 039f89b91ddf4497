MATCH p = allShortestPaths((a:Person {name: 'Phùng Sĩ Tấn'})-[*..4]-(b:Person {name: 'Nguyễn Thị Lan'}))
RETURN length(p) AS hops, [n IN nodes(p) | n.name] AS via ORDER BY via
