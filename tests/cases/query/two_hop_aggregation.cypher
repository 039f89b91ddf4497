// Who attended events in each place, counted.
MATCH (p:Person)-[:ATTENDED]->(e:Event)-[:IN]->(pl:Place)
RETURN pl.name AS place, count(DISTINCT p) AS people, collect(p.name) AS names
ORDER BY people DESC, place
