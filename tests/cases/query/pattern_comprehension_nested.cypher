// Comprehensions nest, and an inner pattern sees the outer comprehension's variables.
MATCH (pl:Place)
RETURN pl.name, [(e)-[:IN]->(pl) | e.name + ': ' + toString(size([(a:Person)-[:ATTENDED]->(e) | a]))] AS events
ORDER BY pl.name
