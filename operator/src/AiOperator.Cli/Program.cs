Console.WriteLine("aiop");
